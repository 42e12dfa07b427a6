import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { z } from 'zod';
import { eventBridgeEnvelope } from '../../events/schemas.js';

/** A message that is well-formed but can never apply (e.g. the plan no longer has its task). */
export class UnappliableMessageError extends Error {
  override readonly name = 'UnappliableMessageError';
}

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

export interface ConsumerOptions<T> {
  name: string;
  detail: z.ZodType<T>;
  apply: (detail: T) => Promise<unknown>;
  logger: Logger;
  /** Told of every failed record with its reason (the local runtime shows it beside the dead letter). */
  onFailure?: (messageId: string, reason: string) => void;
}

/**
 * An SQS consumer of EventBridge events (the rule's target is the queue): each record is parsed
 * (body → envelope → detail) and applied on its own; a failure fails only its record, which SQS
 * redelivers and finally dead-letters (`ReportBatchItemFailures`). If every record fails, Powertools
 * throws, and the whole batch is retried — never silently acknowledged.
 */
export function createEventConsumer<T>(options: ConsumerOptions<T>) {
  const envelope = eventBridgeEnvelope(options.detail);

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new MalformedMessageError('body is not JSON');
      }
      const parsed = envelope.safeParse(body);
      if (!parsed.success) {
        throw new MalformedMessageError(`not a valid event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      const result = await options.apply(parsed.data.detail as T);
      options.logger.debug('record applied', { messageId: record.messageId, result: result as Record<string, unknown> });
    } catch (err) {
      const reason = `${(err as Error).name}: ${(err as Error).message}`;
      options.logger.error('record failed', { consumer: options.name, messageId: record.messageId, receiveCount, reason });
      options.onFailure?.(record.messageId, reason);
      throw err;
    }
  };

  // A processor per invocation: it holds the batch's state, so overlapping invocations (the local
  // runtime, tests) must not share one.
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), context ? { context } : undefined);
}
