import { createHash } from 'node:crypto';
import { BatchGetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReminderDueDetail } from '../../../events/schemas.js';
import type { CommitOutcome, DigestCommit, EscalationRef, ReminderLookup, ReminderStore } from '../../ports/reminders.js';
import { REMINDER_RETENTION_DAYS } from '../../reminders/constants.js';
import { escalationStateKey } from '../../reminders/keys.js';
import { capacityOption, type CapacityMeter } from './capacity.js';

/** Reminder claims and escalation states of a plan (docs/data-model.md). */
export const reminderPk = (planId: string) => `PLAN#${planId}#REMINDER`;
/** The digest outbox of a plan's business date. */
export const digestPk = (planId: string, date: string) => `PLAN#${planId}#DIGEST#${date}`;
export const digestSk = (orgId: string) => `ORG#${orgId}`;

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_MAX = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

export const REMINDER_TTL_SECONDS = REMINDER_RETENTION_DAYS * 24 * 3600;

/** Conditions that mean "another run wrote first" when a transaction is cancelled. */
const CONFLICT_REASONS = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

/**
 * The ReminderStore on the one table. Claims are create-once items; a recipient's claims, its
 * escalation states and its digest go in one TransactWriteItems, so either the whole digest is
 * claimed (and will be published) or nothing is.
 */
export class DynamoReminderStore implements ReminderStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async lookup(planId: string, query: { keys: readonly string[]; escalations: readonly EscalationRef[] }): Promise<ReminderLookup> {
    const pk = reminderPk(planId);
    const sks = [...new Set([...query.keys, ...query.escalations.map((e) => escalationStateKey(e.item, e.orgId))])];
    const claimed = new Set<string>();
    const lastEscalation = new Map<string, string>();
    const chunks: string[][] = [];
    for (let i = 0; i < sks.length; i += BATCH_GET_MAX) chunks.push(sks.slice(i, i + BATCH_GET_MAX));
    const rows = (await Promise.all(chunks.map((chunk) => this.batchGet(chunk.map((sk) => ({ pk, sk })))))).flat();
    for (const row of rows) {
      const sk = String(row.sk);
      if (sk.startsWith('ESCALATED#')) {
        if (typeof row.lastDate === 'string') lastEscalation.set(sk, row.lastDate);
      } else {
        claimed.add(sk);
      }
    }
    return { claimed, lastEscalation };
  }

  async commitDigest(commit: DigestCommit): Promise<CommitOutcome> {
    const { digest } = commit;
    const pk = reminderPk(digest.planId);
    const expiresAt = Math.floor(Date.parse(commit.createdAt) / 1000) + REMINDER_TTL_SECONDS;
    const TableName = this.tableName;
    const items = [
      ...commit.claims.map((c) => ({
        Put: {
          TableName,
          Item: {
            pk,
            sk: c.key,
            kind: c.kind,
            recipientOrgId: digest.orgId,
            digestId: digest.digestId,
            claimedAt: commit.createdAt,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      ...commit.escalations.map((e) => ({
        Put: {
          TableName,
          Item: { pk, sk: escalationStateKey(e.item, e.orgId), item: e.item, orgId: e.orgId, lastDate: digest.date, expiresAt },
          ...(e.previous === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'lastDate = :previous', ExpressionAttributeValues: { ':previous': e.previous } }),
        },
      })),
      {
        Put: {
          TableName,
          Item: {
            pk: digestPk(digest.planId, digest.date),
            sk: digestSk(digest.orgId),
            digestId: digest.digestId,
            status: 'queued',
            detail: digest,
            createdAt: commit.createdAt,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    try {
      const out = await this.doc.send(
        new TransactWriteCommand({
          TransactItems: items,
          // An SDK retry of a transaction that did commit then succeeds instead of failing its conditions.
          ClientRequestToken: requestToken(digest.digestId, commit),
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('commitDigest', 'transactWrite', out.ConsumedCapacity);
      return 'committed';
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      throw err;
    }
  }

  async queuedDigests(planId: string, date: string): Promise<ReminderDueDetail[]> {
    const out: ReminderDueDetail[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#status = :queued',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': digestPk(planId, date), ':queued': 'queued' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('queryQueuedDigests', 'read', page.ConsumedCapacity);
      for (const it of page.Items ?? []) out.push(it.detail as ReminderDueDetail);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  async markEnqueued(planId: string, date: string, orgId: string): Promise<void> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: digestPk(planId, date), sk: digestSk(orgId) },
        UpdateExpression: 'SET #status = :enqueued',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':enqueued': 'enqueued' },
        ...capacityOption(this.meter),
      }),
    );
    this.meter?.record('markDigestEnqueued', 'write', out.ConsumedCapacity);
  }

  private async batchGet(keys: Array<{ pk: string; sk: string }>): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    let pending = keys;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${round} rounds`);
      if (round > 0) await this.sleep(Math.min(1000, 50 * 2 ** round));
      const out = await this.doc.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'sk, lastDate' } },
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('batchGetReminders', 'read', out.ConsumedCapacity);
      rows.push(...(out.Responses?.[this.tableName] ?? []));
      pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Array<{ pk: string; sk: string }>;
    }
    return rows;
  }
}

function requestToken(digestId: string, commit: DigestCommit): string {
  const h = createHash('sha256').update(commit.runId).update('\n').update(digestId);
  for (const c of commit.claims) h.update('\n').update(c.key);
  return h.digest('hex').slice(0, 36);
}

function isConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'IdempotentParameterMismatchException') return true;
  if (err.name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code !== undefined && CONFLICT_REASONS.has(r.Code));
}
