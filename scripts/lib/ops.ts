import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { eventBridgeEnvelope, EventRegisteredDetail, ProgressSubmittedDetail } from '../../events/schemas.js';
import { ReminderDueEnvelope } from '../../functions/deliver-notification/app.js';
import { assertAppliable, detailOf } from '../../shared/adapters/lambda/event-consumer.js';
import { correlationKeys } from '../../shared/observability/correlation.js';
import {
  DEAD_LETTER_QUEUES,
  QUEUE_TAG,
  QUEUES,
  deadLetterQueueTag,
  workQueueTag,
  type DeadLetterQueueName,
  type QueueName,
} from '../../shared/routing.js';
import { OpsError } from './errors.js';

/**
 * What `npm run ops` does with a deployed stack's queues (scripts/ops.ts is its command line): find
 * them by their tag (infra tags every queue, shared/routing.ts), count their messages, list a
 * dead-letter queue with why each message failed, and move dead letters back to their queue.
 */

export interface StackQueue {
  /** `progress`, `progress-dlq`, …, `bus-target-dlq`, `schedule-dlq` (the queue's tag). */
  tag: string;
  url: string;
}

/** The work queues' dead-letter queues: SQS moves their messages back to where they came from. */
export const REDRIVABLE = Object.keys(QUEUES) as QueueName[];

/** The order the queues are shown in: each work queue beside its DLQ, then the other DLQs. */
const TAG_ORDER = [
  ...REDRIVABLE.flatMap((q) => [workQueueTag(q), deadLetterQueueTag(q)]),
  ...DEAD_LETTER_QUEUES.filter((q) => !REDRIVABLE.includes(q as QueueName)).map(deadLetterQueueTag),
];

/**
 * The stack's queues. CloudFormation names a queue `<stack>-<logical id>-<suffix>`, so the stack's
 * name as prefix narrows the listing to it; the tag then says which queue each one is. Fails when a
 * queue of shared/routing.ts is missing (a stack not deployed, or deployed before the tags).
 */
export async function stackQueues(sqs: SQSClient, stack: string): Promise<StackQueue[]> {
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const page = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: `${stack}-`, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }),
    );
    urls.push(...(page.QueueUrls ?? []));
    token = page.NextToken;
  } while (token);
  const found: StackQueue[] = [];
  for (const url of urls) {
    const tag = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags?.[QUEUE_TAG];
    if (tag && TAG_ORDER.includes(tag)) found.push({ tag, url });
  }
  const missing = TAG_ORDER.filter((t) => !found.some((q) => q.tag === t));
  if (missing.length > 0) {
    throw new OpsError(
      `stack ${stack}: no queue tagged ${QUEUE_TAG}=${missing.join(', ')} in this account and region (is the stack deployed here, and with this version?)`,
    );
  }
  return found.sort((a, b) => TAG_ORDER.indexOf(a.tag) - TAG_ORDER.indexOf(b.tag));
}

export function queueOf(queues: readonly StackQueue[], tag: string): StackQueue {
  const q = queues.find((x) => x.tag === tag);
  if (!q) throw new OpsError(`no queue ${tag}`);
  return q;
}

export interface QueueDepth {
  tag: string;
  /** Waiting to be received. */
  visible: number;
  /** Received, not yet deleted (a consumer is on them, or a listing hides them). */
  inFlight: number;
  delayed: number;
}

export async function queueDepths(sqs: SQSClient, queues: readonly StackQueue[]): Promise<QueueDepth[]> {
  return Promise.all(
    queues.map(async (q) => {
      const a =
        (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: q.url,
              AttributeNames: [
                'ApproximateNumberOfMessages',
                'ApproximateNumberOfMessagesNotVisible',
                'ApproximateNumberOfMessagesDelayed',
              ],
            }),
          )
        ).Attributes ?? {};
      return {
        tag: q.tag,
        visible: Number(a.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    }),
  );
}

export interface DeadLetter {
  messageId: string;
  /** When it was first sent to its queue. */
  sentAt?: string;
  /**
   * - `fails again`: the consumer refuses it as it is (malformed, or its checks fail): a redrive
   *   would dead-letter it again; the sender must send it right;
   * - `valid now`: the consumer would take it: it failed for a cause outside it (throttling, a
   *   timeout, a channel down, a fault since fixed), which the function's log names; redrive it;
   * - `not delivered`: EventBridge or the Scheduler could not deliver it (their error attached).
   */
  verdict: 'fails again' | 'valid now' | 'not delivered';
  reason: string;
  /** What it is about (shared/observability/correlation.ts; a digest's plan, unit and id). */
  keys: Record<string, string>;
}

const PROGRESS_ENVELOPE = eventBridgeEnvelope(ProgressSubmittedDetail);
const EVENTS_ENVELOPE = eventBridgeEnvelope(EventRegisteredDetail);

/**
 * Why a dead letter of `queue` failed, by the consumer's own reading and checks
 * (shared/adapters/lambda/event-consumer.ts), against the plan as published: the amendments (计划调整) are in
 * the table, which this tool does not read, so a message that only an amendment makes appliable
 * shows as `fails again`.
 */
export async function explainDeadLetter(
  queue: DeadLetterQueueName,
  message: Pick<Message, 'MessageId' | 'Body' | 'Attributes' | 'MessageAttributes'>,
): Promise<DeadLetter> {
  const messageId = message.MessageId ?? '';
  const sent = Number(message.Attributes?.SentTimestamp);
  const base = { messageId, ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}) };
  const body = message.Body ?? '';
  if (queue === 'bus-target' || queue === 'schedule') {
    const attr = (name: string) => message.MessageAttributes?.[name]?.StringValue;
    const where = [attr('RULE_ARN') ?? attr('SCHEDULE_ARN'), attr('TARGET_ARN')].filter(Boolean).join(' → ');
    return {
      ...base,
      verdict: 'not delivered',
      reason: `${attr('ERROR_CODE') ?? 'unknown error'}: ${attr('ERROR_MESSAGE') ?? '(no message)'}${where ? ` (${where})` : ''}`,
      keys: keysOfBody(body),
    };
  }
  try {
    if (queue === 'relay') return { ...base, ...explainRelayFailure(body) };
    if (queue === 'delivery') {
      const digest = detailOf(ReminderDueEnvelope, body);
      return {
        ...base,
        verdict: 'valid now',
        reason: `a channel did not take the digest on each receive: the deliver-notification log names it ("channel did not take the digest", digestId ${digest.digestId})`,
        keys: { planId: digest.planId, orgId: digest.orgId, digestId: digest.digestId },
      };
    }
    const keys: Record<string, string> = {};
    if (queue === 'progress') {
      const detail = detailOf(PROGRESS_ENVELOPE, body);
      Object.assign(keys, correlationKeys(detail));
      await assertAppliable({ type: 'progress.submitted', detail });
    } else {
      const detail = detailOf(EVENTS_ENVELOPE, body);
      Object.assign(keys, correlationKeys(detail));
      await assertAppliable({ type: 'event.registered', detail });
    }
    return {
      ...base,
      verdict: 'valid now',
      reason: `the consumer would apply it now: it failed for a cause outside it, which the ${QUEUES[queue].consumer} log names ("record failed", messageId ${messageId})`,
      keys,
    };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ...base, verdict: 'fails again', reason: `${e.name}: ${e.message}`, keys: keysOfBody(body) };
  }
}

/**
 * A relay dead letter is Lambda's record of a stream batch it gave up on (retries or the 24-hour
 * record age exhausted), not the records: it names the shard and the sequence range. The messages are
 * still in the table (their outbox records: a report's audit row, an event message); the relay's log
 * names why the bus refused them.
 */
function explainRelayFailure(body: string): Pick<DeadLetter, 'verdict' | 'reason' | 'keys'> {
  try {
    const failure = JSON.parse(body) as {
      requestContext?: { condition?: string };
      DDBStreamBatchInfo?: {
        shardId?: string;
        startSequenceNumber?: string;
        endSequenceNumber?: string;
        batchSize?: number;
        approximateArrivalOfFirstRecord?: string;
      };
    };
    const batch = failure.DDBStreamBatchInfo ?? {};
    const keys = Object.fromEntries(
      Object.entries({
        shardId: batch.shardId,
        startSequenceNumber: batch.startSequenceNumber,
        endSequenceNumber: batch.endSequenceNumber,
      }).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return {
      verdict: 'not delivered',
      reason: `${failure.requestContext?.condition ?? 'unknown condition'}: ${batch.batchSize ?? '?'} stream record(s) not put on the bus (first stored ${batch.approximateArrivalOfFirstRecord ?? '?'}); the relay-outbox log names the bus's error`,
      keys,
    };
  } catch {
    return { verdict: 'not delivered', reason: 'not a stream batch failure record', keys: {} };
  }
}

/** The correlation keys of a body that may not parse (an EventBridge event's detail, if any). */
function keysOfBody(body: string): Record<string, string> {
  try {
    const detail = (JSON.parse(body) as { detail?: unknown }).detail;
    return detail && typeof detail === 'object' ? correlationKeys(detail as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Up to `max` dead letters of `queue`, explained. Reading hides each from other readers for
 * `hideSeconds` (SQS has no peek); nothing is deleted, and a dead-letter queue has no consumer.
 */
export async function listDeadLetters(
  sqs: SQSClient,
  queues: readonly StackQueue[],
  queue: DeadLetterQueueName,
  options: { max: number; hideSeconds: number },
): Promise<DeadLetter[]> {
  const { url } = queueOf(queues, deadLetterQueueTag(queue));
  const letters: DeadLetter[] = [];
  while (letters.length < options.max) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, options.max - letters.length),
        VisibilityTimeout: options.hideSeconds,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    letters.push(...(await Promise.all(messages.map((m) => explainDeadLetter(queue, m)))));
  }
  return letters;
}

/** Starts moving `queue`'s dead letters back to the queue they came from (SQS keeps their origin). */
export async function redrive(
  sqs: SQSClient,
  queues: readonly StackQueue[],
  queue: QueueName,
): Promise<{ sourceArn: string; taskHandle: string }> {
  const { url } = queueOf(queues, deadLetterQueueTag(queue));
  const sourceArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  if (!sourceArn) throw new OpsError(`no ARN for ${deadLetterQueueTag(queue)}`);
  const out = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn }));
  return { sourceArn, taskHandle: out.TaskHandle ?? '' };
}
