import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoIntake } from '../../shared/adapters/dynamodb/intake.js';
import { EVENT_MESSAGE_SK, eventMessagePk, reportSk, taskAuditPk } from '../../shared/adapters/dynamodb/keys.js';
import { EVENT_MESSAGE_TTL_SECONDS } from '../../shared/adapters/dynamodb/outbox.js';
import type { AcceptedMessage } from '../../shared/ports/intake.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { relayedEvents } from '../helpers/stream.js';
import { progressReport, sportsEvent } from '../helpers/reports.js';

/**
 * Ingest's durable accept against DynamoDB Local: one conditional put per message (a report's audit
 * row, an event message), 202/409 told apart by the stored body hash, and exactly one stream record
 * per accepted message — what the relay puts on the bus.
 */

let table: Awaited<ReturnType<typeof createTestTable>>;
let intake: DynamoIntake;

beforeAll(async () => {
  table = await createTestTable();
  intake = new DynamoIntake(table.doc, table.tableName);
});
afterAll(async () => {
  await table?.drop();
});

const report = (webhookId: string, overrides: Parameters<typeof progressReport>[0] = {}): AcceptedMessage => ({
  type: 'progress.submitted',
  detail: progressReport({ webhookId, ...overrides }),
});
const auditKey = (m: AcceptedMessage & { type: 'progress.submitted' }) => ({
  pk: taskAuditPk(m.detail.planId, m.detail.taskId),
  sk: reportSk(new Date(m.detail.reportedAt).toISOString(), m.detail.sourceId, m.detail.webhookId),
});
async function stored(key: { pk: string; sk: string }) {
  return (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item;
}

describe('DynamoIntake (DynamoDB Local)', () => {
  it('a report is stored as its audit row: the message, its kind and its body hash; a resend is told apart from a conflict', async () => {
    const m = report('msg_life') as AcceptedMessage & { type: 'progress.submitted' };
    expect(await intake.accept(m, 'hash-a')).toBe('accepted');
    expect(await stored(auditKey(m))).toEqual({ ...auditKey(m), kind: 'report', ...m.detail, bodyHash: 'hash-a' });
    expect(await intake.accept(m, 'hash-a')).toBe('resend');
    expect(await intake.accept(m, 'hash-b')).toBe('conflict');
    // Neither overwrote the row.
    expect((await stored(auditKey(m)))?.bodyHash).toBe('hash-a');
  });

  it('an event message is keyed by source and webhook-id and expires after 30 days', async () => {
    const e = sportsEvent({ webhookId: 'msg_evt_life' });
    expect(await intake.accept({ type: 'event.registered', detail: e }, 'hash-e')).toBe('accepted');
    const item = await stored({ pk: eventMessagePk(e.sourceId, e.webhookId), sk: EVENT_MESSAGE_SK });
    expect(item).toMatchObject({
      kind: 'eventMessage',
      ...e,
      bodyHash: 'hash-e',
      expiresAt: Math.floor(Date.parse(e.receivedAt) / 1000) + EVENT_MESSAGE_TTL_SECONDS,
    });
    // Another body under the same id, even for another event, is a conflict.
    expect(await intake.accept({ type: 'event.registered', detail: { ...e, eventId: 'another' } }, 'hash-f')).toBe('conflict');
  });

  it('ids are per source', async () => {
    expect(await intake.accept(report('msg_shared', { sourceId: 'rencheng' }), 'hash-a')).toBe('accepted');
    expect(await intake.accept(report('msg_shared', { sourceId: 'qufu' }), 'hash-b')).toBe('accepted');
  });

  it('concurrent accepts of the same message: exactly one is accepted, the others are resends', async () => {
    const m = report('msg_race');
    const results = await Promise.all(Array.from({ length: 16 }, () => intake.accept(m, 'hash-a')));
    expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r === 'resend')).toHaveLength(15);
  });

  it('concurrent accepts of one id with different bodies: exactly one accepted, every other body a conflict', async () => {
    const m = report('msg_race2') as AcceptedMessage & { type: 'progress.submitted' };
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => intake.accept(m, `hash-${i}`)));
    const winner = results.indexOf('accepted');
    expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r === 'conflict')).toHaveLength(15);
    expect((await stored(auditKey(m)))?.bodyHash).toBe(`hash-${winner}`);
  });

  it('the stream carries one outbox insert per accepted message, and nothing for resends and conflicts', async () => {
    const published = await relayedEvents(table);
    // Accepted above: msg_life, msg_evt_life, msg_shared ×2, msg_race, msg_race2.
    expect(published.map((e) => `${e.detailType}:${String(e.detail.sourceId)}:${String(e.detail.webhookId)}`).sort()).toEqual(
      [
        'event.registered:mass-sports:msg_evt_life',
        'progress.submitted:qufu:msg_shared',
        'progress.submitted:rencheng:msg_life',
        'progress.submitted:rencheng:msg_race',
        'progress.submitted:rencheng:msg_race2',
        'progress.submitted:rencheng:msg_shared',
      ].sort(),
    );
    for (const e of published) for (const k of ['pk', 'sk', 'kind', 'bodyHash', 'expiresAt']) expect(e.detail).not.toHaveProperty(k);
  });
});
