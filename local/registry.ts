import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueName, ScheduleName } from '../shared/routing.js';

/** An HTTP API (payload format 2.0) handler, as API Gateway invokes it. */
export type HttpFunction = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** An SQS-triggered handler with ReportBatchItemFailures: returns the records that failed (or nothing). */
export type QueueFunction = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** A DynamoDB stream-triggered handler with ReportBatchItemFailures: returns the first record it could not take (or nothing). */
export type StreamFunction = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

/**
 * The event the Scheduler (and the admin endpoint) hands a job: the instant it runs as of, plus any
 * other fields an admin call gives (e.g. `planId`, `mode: "reconcile"`).
 */
export interface JobEvent {
  now: string;
  [field: string]: unknown;
}

/** A scheduled job; whatever it returns is its summary. */
export type JobFunction = (event: JobEvent, context: Context) => Promise<unknown>;

/**
 * The functions the local runtime hosts, by role. The runtime depends on this shape only; a missing
 * entry answers 501 (HTTP, jobs) or leaves its queue unconsumed (messages wait, as in SQS with no
 * event source mapping).
 */
export interface LocalFunctions {
  http: { ingest?: HttpFunction; query?: HttpFunction; bulletins?: HttpFunction; office?: HttpFunction };
  queues: Partial<Record<QueueName, QueueFunction>>;
  jobs: Partial<Record<ScheduleName, JobFunction>>;
  /** The table stream's consumer (relay-outbox): without it, accepted messages stay in the table. */
  stream?: StreamFunction;
}

/** Lambda function names, for contexts and log lines. */
export const FUNCTION_NAMES = {
  ingest: 'ingest-webhook',
  relay: 'relay-outbox',
  query: 'query-api',
  bulletins: 'bulletin-api',
  office: 'office-api',
  progress: 'apply-progress',
  events: 'register-event',
  delivery: 'deliver-notification',
  'aggregate-kpis': 'aggregate-kpis',
  'send-reminders': 'send-reminders',
} as const;
