import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueName, ScheduleName } from '../shared/routing.js';

/** An HTTP API (payload format 2.0) handler, as API Gateway invokes it. */
export type HttpFunction = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** An SQS-triggered handler with ReportBatchItemFailures: returns the records that failed (or nothing). */
export type QueueFunction = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

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
  http: { ingest?: HttpFunction; query?: HttpFunction; office?: HttpFunction };
  queues: Partial<Record<QueueName, QueueFunction>>;
  jobs: Partial<Record<ScheduleName, JobFunction>>;
}

/** Lambda function names, for contexts and log lines. */
export const FUNCTION_NAMES = {
  ingest: 'ingest-webhook',
  query: 'query-api',
  office: 'office-api',
  progress: 'apply-progress',
  events: 'register-event',
  delivery: 'deliver-notification',
  'aggregate-kpis': 'aggregate-kpis',
  'send-reminders': 'send-reminders',
} as const;
