import type { SQSBatchResponse } from 'aws-lambda';
import { lambdaContext, withTimeout } from './lambda-context.js';
import type { LocalQueue, ReceivedMessage } from './queue.js';
import type { QueueFunction } from './registry.js';
import { toSqsRecord } from './sqs-event.js';
import { describeError } from '../shared/errors.js';

export const BATCH_ITEM_FAILURE_REASON = 'reported as batch item failure';

export interface ConsumerOptions {
  queue: LocalQueue;
  /**
   * One handler per execution environment: each polls and runs one batch at a time, as a Lambda
   * environment never runs two invocations at once (handlers may keep per-invocation state in
   * closures, as Powertools' BatchProcessor does). Their number is the consumer's concurrency.
   */
  handlers: QueueFunction[];
  functionName: string;
  batchSize: number;
  /** Lambda's timeout: a batch still running after this counts as failed (its work cannot be stopped). */
  timeoutMs: number;
  region: string;
  log?: (line: string) => void;
  /** The handler's own reason for a record it reported as failed (told through `onRecordFailure`), taken once. */
  takeReason?: (messageId: string) => string | undefined;
}

/**
 * Lambda's SQS event source mapping with ReportBatchItemFailures: polls batches of up to
 * `batchSize`, acknowledges the records that succeeded, and fails exactly the ones named in
 * `batchItemFailures` (every record when the handler throws, times out, or names a record that is
 * not in the batch).
 */
export class QueueConsumer {
  private running = false;
  private loops: Array<Promise<void>> = [];
  private inFlight = 0;

  constructor(private readonly options: ConsumerOptions) {}

  get busy(): boolean {
    return this.inFlight > 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const handler of this.options.handlers) this.loops.push(this.loop(handler));
  }

  /** Stops polling and waits for the batches in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.options.queue.notify();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(handler: QueueFunction): Promise<void> {
    const { queue, batchSize } = this.options;
    while (this.running) {
      const batch = queue.receive(batchSize);
      if (batch.length === 0) {
        await queue.waitForWork(1_000);
        continue;
      }
      this.inFlight++;
      try {
        await this.process(handler, batch);
      } finally {
        this.inFlight--;
      }
    }
  }

  private async process(handler: QueueFunction, batch: ReceivedMessage[]): Promise<void> {
    const { queue, functionName, timeoutMs, region } = this.options;
    const records = batch.map((m) => toSqsRecord(m, region, queue.name));
    let failed: Map<string, string>;
    try {
      const response = await withTimeout(
        handler({ Records: records }, lambdaContext(functionName, timeoutMs, region)),
        functionName,
        timeoutMs,
      );
      failed = failuresOf(response, batch);
      for (const [id, reason] of failed) {
        const own = this.options.takeReason?.(id);
        if (own !== undefined && reason === BATCH_ITEM_FAILURE_REASON) failed.set(id, `${BATCH_ITEM_FAILURE_REASON}: ${own}`);
      }
    } catch (err) {
      // The whole batch failed (e.g. Powertools' FullBatchFailureError): keep each record's own reason.
      const reason = describeError(err);
      failed = new Map(
        batch.map((m) => {
          const own = this.options.takeReason?.(m.messageId);
          return [m.messageId, own === undefined ? reason : `${reason}: ${own}`];
        }),
      );
    }
    for (const m of batch) {
      const reason = failed.get(m.messageId);
      if (reason === undefined) {
        queue.ack(m.receiptHandle);
        continue;
      }
      const outcome = await queue.fail(m.receiptHandle, reason);
      if (outcome === 'dead')
        this.options.log?.(`${queue.name}: message ${m.messageId} moved to the DLQ after ${m.receiveCount} receives: ${reason}`);
    }
  }
}

/** The records a handler's response fails, with the reason; Lambda fails the whole batch when the response is malformed. */
function failuresOf(response: SQSBatchResponse | void, batch: ReceivedMessage[]): Map<string, string> {
  const failed = new Map<string, string>();
  const items = (response as Partial<SQSBatchResponse> | undefined | null)?.batchItemFailures;
  if (items === undefined || items === null) return failed;
  const ids = new Set(batch.map((m) => m.messageId));
  const valid = Array.isArray(items) && items.every((i) => typeof i?.itemIdentifier === 'string' && ids.has(i.itemIdentifier));
  if (!valid) {
    const reason = 'invalid batchItemFailures in the response (Lambda fails the whole batch)';
    for (const m of batch) failed.set(m.messageId, reason);
    return failed;
  }
  for (const i of items) failed.set(i.itemIdentifier, BATCH_ITEM_FAILURE_REASON);
  return failed;
}
