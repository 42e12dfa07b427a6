import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { FUNCTIONS, FunctionName } from '../infra/functions.js';

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

/** The handler each kind of trigger invokes. */
export interface HandlerOf {
  http: HttpFunction;
  queue: QueueFunction;
  schedule: JobFunction;
  stream: StreamFunction;
}

/**
 * The functions the local runtime hosts, by their names in the registry (infra/functions.ts), each
 * of the handler type its trigger calls for. Which route, queue, schedule or stream invokes which is
 * read from the routing tables, as infra/ reads them. The runtime depends on this shape only; a
 * missing function answers 501 (HTTP, jobs) or leaves its queue unconsumed (messages wait, as in SQS
 * with no event source mapping), or, for relay-outbox, leaves accepted messages in the table.
 */
export type LocalFunctions = { [N in FunctionName]?: HandlerOf[(typeof FUNCTIONS)[N]['trigger']] };
