import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ReminderDueDetail, eventBridgeEnvelope } from '../../events/schemas.js';
import { withKeys } from '../../shared/observability/correlation.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { ChannelKind, DeliveryChannel, DeliveryReceipts, Notifier } from '../../shared/ports/notifier.js';
import { channelName } from '../../shared/reminders/channels.js';
import type { Logger } from '../../shared/ports/logger.js';
import { describeError } from '../../shared/errors.js';
import { DeliveryFailedError, InvalidReminderMessageError, NoSenderError } from '../../shared/reminders/errors.js';
import { failureName, isFinalReceive } from '../../shared/adapters/lambda/event-consumer.js';

export const ReminderDueEnvelope = eventBridgeEnvelope(ReminderDueDetail);

export interface DeliverNotificationDeps {
  /** The channels of a unit (the org directory in AWS; the outbox locally). */
  channelsFor: (orgId: string) => DeliveryChannel[];
  senders: Partial<Record<ChannelKind, Notifier>>;
  receipts: DeliveryReceipts;
  logger: Logger;
  /** `RemindersDelivered` by channel and kind, `DeliveryFailures` by channel, `DeadLetters`. */
  metrics?: MetricsRecorder;
  now?: () => Date;
}

const distinct = (values: ReadonlyArray<string | undefined>): string[] => [...new Set(values.filter((v): v is string => v !== undefined))];

/**
 * The correlation keys of a digest's log lines: the digest's own (plan, recipient unit, id), the
 * tasks it is about, and the reports it answers (`blocked`, `stagnant` items name them), so that a
 * search for a report's webhook-id or a task finds its delivery too.
 */
function digestKeys(digest: ReminderDueDetail): Record<string, unknown> {
  const webhookIds = distinct(digest.items.map((i) => i.webhookId));
  return {
    planId: digest.planId,
    orgId: digest.orgId,
    digestId: digest.digestId,
    taskIds: distinct(digest.items.map((i) => i.taskId)),
    ...(webhookIds.length > 0 ? { webhookIds } : {}),
  };
}

export interface DeliveryOutcome {
  digestId: string;
  sent: string[];
  alreadySent: string[];
}

/**
 * The delivery consumer: one SQS record = one digest. Each of the unit's channels is sent at most
 * once per digest (delivery receipt); a channel that fails fails the record, and SQS's retry then
 * sends only through the channels that have not taken it. A bad record fails alone.
 */
export function createDeliverNotificationHandler(deps: DeliverNotificationDeps) {
  const now = deps.now ?? (() => new Date());

  async function deliver(digest: ReminderDueDetail, log: Logger): Promise<DeliveryOutcome> {
    const channels = deps.channelsFor(digest.orgId);
    const outcome: DeliveryOutcome = { digestId: digest.digestId, sent: [], alreadySent: [] };
    for (const item of digest.items) {
      log.debug('digest item', {
        kind: item.kind,
        taskId: item.taskId,
        ...(item.subjectOrgId ? { subjectOrgId: item.subjectOrgId } : {}),
        ...(item.sourceId ? { sourceId: item.sourceId } : {}),
        ...(item.webhookId ? { webhookId: item.webhookId } : {}),
      });
    }
    if (channels.length === 0) {
      log.warn('unit has no notification channel: digest not delivered', { digestId: digest.digestId, orgId: digest.orgId });
      return outcome;
    }
    const failed: string[] = [];
    await Promise.all(
      channels.map(async (channel) => {
        const name = channelName(channel);
        const state = await deps.receipts.begin(digest.digestId, name, now());
        if (state === 'sent') {
          outcome.alreadySent.push(name);
          return;
        }
        if (state === 'busy') {
          log.warn('another delivery is sending this digest through the channel: retry later', {
            digestId: digest.digestId,
            channel: name,
          });
          failed.push(name);
          return;
        }
        try {
          const sender = deps.senders[channel.kind];
          if (!sender) throw new NoSenderError(`no sender for channel kind ${channel.kind}`);
          await sender.send(channel, digest);
        } catch (err) {
          await deps.receipts.release(digest.digestId, name);
          deps.metrics?.count('DeliveryFailures', { Channel: channel.kind });
          log.error('channel did not take the digest', {
            digestId: digest.digestId,
            orgId: digest.orgId,
            channel: name,
            error: describeError(err),
          });
          failed.push(name);
          return;
        }
        await deps.receipts.complete(digest.digestId, name, now());
        outcome.sent.push(name);
        for (const [kind, n] of countBy(digest.items.map((i) => i.kind)))
          deps.metrics?.count('RemindersDelivered', { Channel: channel.kind, Kind: kind }, n);
      }),
    );
    if (failed.length > 0) throw new DeliveryFailedError(digest.digestId, failed.sort());
    log.info('digest delivered', { ...outcome, orgId: digest.orgId, items: digest.items.length });
    return outcome;
  }

  async function recordHandler(record: SQSRecord): Promise<DeliveryOutcome> {
    let log = withKeys(deps.logger, { messageId: record.messageId });
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new InvalidReminderMessageError(`message ${record.messageId} is not JSON`);
      }
      const parsed = ReminderDueEnvelope.safeParse(body);
      if (!parsed.success) {
        throw new InvalidReminderMessageError(
          `message ${record.messageId} is not a reminder.due event: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`,
        );
      }
      log = withKeys(deps.logger, { messageId: record.messageId, ...digestKeys(parsed.data.detail) });
      return await deliver(parsed.data.detail, log);
    } catch (err) {
      if (isFinalReceive('deliver-notification', record)) {
        deps.metrics?.count('DeadLetters', { Reason: failureName(err) });
        log.error('digest failed for good: dead-lettered', { reason: describeError(err) });
      }
      throw err;
    }
  }

  return async function deliverNotification(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    // One processor per invocation: its state must not be shared by overlapping calls (local runtime).
    const processor = new BatchProcessor(EventType.SQS);
    // throwOnFullBatchFailure: false — a batch whose every record failed reports every record as a
    // failure (never an empty response, which would acknowledge the whole batch).
    return processPartialResponse(event, recordHandler, processor, { ...(context ? { context } : {}), throwOnFullBatchFailure: false });
  };
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
