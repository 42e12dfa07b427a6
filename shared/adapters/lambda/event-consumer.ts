import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type * as z from '../../zod.js';
import { eventBridgeEnvelope, type EventRegisteredDetail, type ProgressSubmittedDetail } from '../../../events/schemas.js';
import { checkMessageAsAmended } from '../../ingest/message-checks.js';
import { baselineOnly, type PlanAmender } from '../../plan/amender.js';
import { correlationKeys, withKeys } from '../../observability/correlation.js';
import type { MetricsRecorder } from '../../ports/metrics.js';
import type { Logger } from '../../ports/logger.js';
import { QUEUES } from '../../routing.js';
import { describeError } from '../../errors.js';
import { MalformedMessageError, UnappliableMessageError } from '../errors.js';

export interface ConsumerOptions<T> {
  name: string;
  detail: z.ZodMiniType<T>;
  apply: (detail: T) => Promise<unknown>;
  logger: Logger;
  /** `DeadLetters` (shared/observability/metrics.ts). */
  metrics?: MetricsRecorder;
  /** Told of every failed record with its reason (the local runtime shows it beside the dead letter). */
  onFailure?: (messageId: string, reason: string) => void;
}

/**
 * Whether this receive of `record` by `consumer` was its last: when it fails, SQS moves the message
 * to the dead-letter queue instead of delivering it again (`maxReceiveCount` of shared/routing.ts,
 * which infra and the local queues both apply).
 */
export function isFinalReceive(consumer: string, record: SQSRecord): boolean {
  const queue = Object.values(QUEUES).find((q) => q.consumer === consumer);
  return queue !== undefined && Number(record.attributes?.ApproximateReceiveCount ?? 1) >= queue.maxReceiveCount;
}

/**
 * The consumers' reading of a record's body: JSON → EventBridge envelope → detail. Throws
 * `MalformedMessageError` with the reason (scripts/ops.ts says the same of a dead letter).
 */
export function detailOf<T>(envelope: z.ZodMiniType<{ detail: T }>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('body is not JSON');
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    throw new MalformedMessageError(`not a valid event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.detail;
}

/**
 * The same checks as at ingest, against the receipt time and the plan as amended on that day: a
 * message that slipped past (an older ingest, an archive replay) still never moves a figure.
 * Throws `UnappliableMessageError`.
 */
export async function assertAppliable(
  message: { type: 'progress.submitted'; detail: ProgressSubmittedDetail } | { type: 'event.registered'; detail: EventRegisteredDetail },
  amender: PlanAmender = baselineOnly,
): Promise<void> {
  const { timestamp, sourceId: _s, webhookId: _w, receivedAt, ...data } = message.detail;
  const envelope = { type: message.type, timestamp, data } as Parameters<typeof checkMessageAsAmended>[0];
  const issues = await checkMessageAsAmended(envelope, { receivedAt: new Date(receivedAt), amender });
  if (issues.length > 0) throw new UnappliableMessageError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
}

/** The name of what failed: a bounded set (error classes), fit for a metric dimension. */
export function failureName(err: unknown): string {
  return err instanceof Error && /^[A-Za-z][\w.]{0,63}$/.test(err.name) ? err.name : 'Error';
}

/**
 * An SQS consumer of EventBridge events (the rule's target is the queue): each record is parsed
 * (body → envelope → detail) and applied on its own; a failure fails only its record, which SQS
 * redelivers and finally dead-letters (`ReportBatchItemFailures`). If every record fails, Powertools
 * throws, and the whole batch is retried — never silently acknowledged. Every line about a record
 * carries its correlation keys (shared/observability/correlation.ts) once its detail is read.
 */
export function createEventConsumer<T>(options: ConsumerOptions<T>) {
  const envelope = eventBridgeEnvelope(options.detail);

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    let log = withKeys(options.logger, { messageId: record.messageId });
    try {
      const detail = detailOf(envelope, record.body);
      log = withKeys(options.logger, { messageId: record.messageId, ...correlationKeys(detail as Record<string, unknown>) });
      const result = await options.apply(detail);
      log.debug('record applied', { result: result });
    } catch (err) {
      const reason = describeError(err);
      const final = isFinalReceive(options.name, record);
      log.error('record failed', { consumer: options.name, receiveCount, reason, deadLettered: final });
      if (final) options.metrics?.count('DeadLetters', { Reason: failureName(err) });
      options.onFailure?.(record.messageId, reason);
      throw err;
    }
  };

  // A processor per invocation: it holds the batch's state, so overlapping invocations (the local
  // runtime, tests) must not share one.
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), context ? { context } : undefined);
}
