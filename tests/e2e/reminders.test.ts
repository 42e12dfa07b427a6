import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDER_KINDS } from '../../events/schemas.js';
import type { OutboxEntry } from '../../shared/adapters/notify/outbox.js';
import type { SendRemindersSummary } from '../../functions/send-reminders/app.js';
import { Api, EVIDENCE, OFFICE_TOKEN, TOKEN, digestOf, progressBody, sendWebhook, stopLocal, tempDataDir } from './helpers.js';
import { startLocal, type LocalProcess } from './local-process.js';

/**
 * Issue 6 through `npm start`'s runtime: `POST /v1/admin/jobs/send-reminders` as of a business
 * instant, drained through the delivery queue into the outbox. One digest per recipient unit, the
 * right kinds, nothing for done items, nothing twice, nothing on a holiday, and the 调休 make-up
 * Saturday counts as a workday.
 */

let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;
let seen = 0;

beforeAll(async () => {
  dataDir = await tempDataDir('reminders');
  running = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, OFFICE_TOKEN, CLOCK: '2023-10-09T08:00:00+08:00' } });
  api = new Api(running.url);
});

afterAll(async () => {
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs the job as of `now`, drains the delivery queue, and returns the summary and the outbox entries it added. */
async function remind(now: string): Promise<{ run: SendRemindersSummary['runs'][number]; sent: OutboxEntry[] }> {
  const summary = await api.job<SendRemindersSummary>('send-reminders', { now });
  expect(summary.runs).toHaveLength(1);
  await api.drain();
  const items = await api.outbox();
  const sent = items.slice(seen);
  seen = items.length;
  return { run: summary.runs[0]!, sent };
}

function expectOneDigestPerUnit(sent: readonly OutboxEntry[], digests: number): void {
  expect(sent).toHaveLength(digests);
  expect(new Set(sent.map((s) => s.orgId)).size).toBe(sent.length);
  for (const s of sent) {
    expect(s.channel).toBe('outbox');
    expect(s.items.length).toBeGreaterThan(0);
    for (const item of s.items) expect(REMINDER_KINDS).toContain(item.kind);
    expect(s.text).toMatch(/[\u4e00-\u9fff]/);
  }
}

describe('reminders through the local runtime', () => {
  it('prepares the state: 群众体育科 reported T08 in progress in August and completed T13 (claim approved by the office)', async () => {
    const t08 = progressBody({
      orgId: 'jn-mass-sports',
      reportedAt: '2023-08-15T10:00:00+08:00',
      period: '2023-08',
      status: 'in_progress',
      metrics: [{ kpiId: 'sports-clubs', value: 30 }],
    });
    const t13 = progressBody({
      taskId: 'T13',
      orgId: 'jn-mass-sports',
      reportedAt: '2023-09-01T10:00:00+08:00',
      period: '2023-09',
      status: 'completed',
      completedMilestoneIds: ['T13-M1'],
      evidence: EVIDENCE,
    });
    expect((await sendWebhook(api.url, { sourceId: 'mass-sports', id: 'msg_rem_t08', body: t08 })).status).toBe(202);
    expect((await sendWebhook(api.url, { sourceId: 'mass-sports', id: 'msg_rem_t13', body: t13 })).status).toBe(202);
    await api.drain();
    expect((await api.reports('T13')).map((r) => r.webhookId)).toEqual(['msg_rem_t13']);
    // Issue 15: the unit's `completed` is a claim; the task is done once the office approves it (销号).
    expect((await api.review('T13', { orgId: 'jn-mass-sports', decision: 'approve' })).status).toBe(200);
  }, 30_000);

  it('sends nothing on a public holiday (National Day, 2023-10-02)', async () => {
    const { run, sent } = await remind('2023-10-02T09:00:00+08:00');
    expect(run).toMatchObject({ date: '2023-10-02', workday: false, sent: 0, digests: 0 });
    expect(sent).toEqual([]);
  }, 30_000);

  it('sends one digest per unit on the make-up Saturday (2023-10-07), with the right kinds, nothing for done items', async () => {
    const { run, sent } = await remind('2023-10-07T09:00:00+08:00');
    expect(run).toMatchObject({ date: '2023-10-07', workday: true });
    expect(run.digests).toBeGreaterThan(0);
    expectOneDigestPerUnit(sent, run.digests);
    expect(sent.reduce((n, s) => n + s.items.length, 0)).toBe(run.sent);

    const mass = digestOf(sent, 'jn-mass-sports');
    // T10-M1 (5.19, printed in the notice) is overdue; T08-M1 (06-30) is a date we assumed: no alarm
    // (issue 14). T08 has had no report for 53 days while in progress: more than a month plus grace.
    expect(mass.items).toContainEqual({ kind: 'overdue', taskId: 'T10', milestoneId: 'T10-M1', dueDate: '2023-05-19' });
    expect(sent.flatMap((s) => s.items).filter((i) => i.milestoneId === 'T08-M1' && i.kind !== 'due_soon')).toEqual([]);
    expect(mass.items).toContainEqual(expect.objectContaining({ kind: 'stagnant', taskId: 'T08' }));
    // T13 is done (its only lead unit's claim approved): nothing about it, to anyone.
    expect(sent.flatMap((s) => s.items).filter((i) => i.taskId === 'T13')).toEqual([]);
    // Overdue items three or more workdays late are escalated to the unit's supervisor.
    const bureau = digestOf(sent, 'jn-sports-bureau');
    expect(bureau.items).toContainEqual({ kind: 'escalation', taskId: 'T10', milestoneId: 'T10-M1', dueDate: '2023-05-19' });
    // The make-up Saturday is October's first workday: September's bulletin is ready (issue 16).
    expect(bureau.items.filter((i) => i.kind !== 'escalation')).toEqual([{ kind: 'bulletin_ready', period: '2023-09' }]);
  }, 30_000);

  it('sends nothing new when the same day runs again', async () => {
    const { run, sent } = await remind('2023-10-07T09:30:00+08:00');
    expect(run).toMatchObject({ workday: true, sent: 0, digests: 0 });
    expect(run.skippedAlreadySent).toBeGreaterThan(0);
    expect(sent).toEqual([]);
  }, 30_000);

  it('on a workday near a deadline: due_soon, the report notice, 催报, overdue again and the escalation repeated; nothing twice', async () => {
    const { run, sent } = await remind('2023-10-25T09:00:00+08:00');
    expect(run).toMatchObject({ date: '2023-10-25', workday: true });
    expectOneDigestPerUnit(sent, run.digests);

    // T12-M1 is due 2023-10-31: five workdays left (10-25…10-31), under the 7-workday threshold.
    const competitive = digestOf(sent, 'jn-competitive-sports');
    expect(competitive.items).toContainEqual({ kind: 'due_soon', taskId: 'T12', milestoneId: 'T12-M1', dueDate: '2023-10-31' });
    const mass = digestOf(sent, 'jn-mass-sports');
    // T08 is monthly with due day 25: 群众体育科's October report is due today (the notice), and the
    // months it never reported (January…July, September) are still chased, January's due day being
    // the make-up Saturday 01-28 (01-25 was in the Spring Festival holiday).
    expect(mass.items).toContainEqual({ kind: 'report_due_soon', taskId: 'T08', dueDate: '2023-10-25' });
    expect(mass.items).toContainEqual({ kind: 'report_missing', taskId: 'T08', dueDate: '2023-01-28' });
    expect(mass.text).toContain('2023年1月至7月、9月进度未报送');
    expect(mass.items).toContainEqual({ kind: 'overdue', taskId: 'T10', milestoneId: 'T10-M1', dueDate: '2023-05-19' });
    // The stagnant item was sent on 10-07 for the same last report: not again.
    expect(mass.items.filter((i) => i.kind === 'stagnant' && i.taskId === 'T08')).toEqual([]);
    expect(digestOf(sent, 'jn-sports-bureau').items).toContainEqual({
      kind: 'escalation',
      taskId: 'T10',
      milestoneId: 'T10-M1',
      dueDate: '2023-05-19',
    });
    expect(sent.flatMap((s) => s.items).filter((i) => i.taskId === 'T13')).toEqual([]);

    const again = await remind('2023-10-25T15:00:00+08:00');
    expect(again.run).toMatchObject({ sent: 0, digests: 0 });
    expect(again.sent).toEqual([]);
    expect(await api.deadLetters()).toEqual([]);
  }, 30_000);
});
