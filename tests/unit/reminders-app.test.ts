import { describe, expect, it } from 'vitest';
import { ReminderDueDetail } from '../../events/schemas.js';
import { createSendRemindersHandler, type SendRemindersDeps } from '../../functions/send-reminders/app.js';
import type { WorkdayCalendar } from '../../shared/calendar/workdays.js';
import { fixedClock } from '../../shared/time/clocks.js';
import { UnknownPlanError } from '../../shared/plan/errors.js';
import { dayOfWeek } from '../../shared/time/local-date.js';
import { RecordingMetrics } from '../helpers/metrics.js';
import {
  BUREAU,
  FakeStateReader,
  InMemoryReminderStore,
  LEAD,
  LEAD_2,
  RecordingBus,
  at9,
  recordingLogger,
  testPlan,
} from './reminders.fakes.js';
import { FakeReviewStore } from './review.fakes.js';

/**
 * The job over in-memory adapters. Unless `reportsIn: false`, every report of the plan year is in, so
 * that a test about deadlines sees only the deadline rules (催报 has its own tests).
 */
function setup(overrides: Partial<SendRemindersDeps> & { plan?: ReturnType<typeof testPlan>; reportsIn?: boolean } = {}) {
  const { reportsIn = true, ...deps } = overrides;
  const plan = deps.plan ?? testPlan();
  const reader = new FakeStateReader();
  if (reportsIn) reader.markAllReported(plan);
  const store = new InMemoryReminderStore();
  const bus = new RecordingBus();
  const logger = recordingLogger();
  const metrics = new RecordingMetrics();
  const reviews = new FakeReviewStore();
  const handler = createSendRemindersHandler({
    reader,
    reviews,
    store,
    bus,
    clock: fixedClock(at9('2023-10-09')),
    logger,
    metrics,
    catalog: { getPlan: (id) => (id === plan.planId ? plan : undefined), listPlans: () => [plan] },
    ...deps,
  });
  return { plan, reader, reviews, store, bus, logger, metrics, handler };
}

describe('send-reminders: exactly once', () => {
  it('a second run on the same day sends nothing new (schedule firing twice, retry, manual run)', async () => {
    const { handler, bus, store } = setup();
    const first = await handler({ now: at9('2023-10-09') });
    const run1 = first.runs[0];
    expect(run1).toMatchObject({ planId: 'test-plan', date: '2023-10-09', workday: true, skippedAlreadySent: 0 });
    expect(run1?.sent).toBeGreaterThan(0);
    expect(bus.events).toHaveLength(run1?.digests ?? -1);

    const second = await handler({ now: '2023-10-09T15:30:00+08:00' });
    expect(second.runs[0]).toMatchObject({ date: '2023-10-09', sent: 0, digests: 0, skippedAlreadySent: run1?.sent });
    expect(bus.events).toHaveLength(run1?.digests ?? -1);
    expect(store.commits).toBe(run1?.digests);
  });

  it('one digest per recipient unit per run, listing all its items most urgent first', async () => {
    const { handler, bus, reader } = setup();
    // 39 days before 10-09: beyond a monthly cycle plus its grace (38 days).
    reader.set({ taskId: 'T01', orgId: LEAD, status: 'in_progress', reportedAt: '2023-08-31T02:00:00Z' });
    await handler({ now: at9('2023-10-09') });
    const digests = bus.digests();
    expect(bus.events.every((e) => e.detailType === 'reminder.due')).toBe(true);
    expect(digests.map((d) => d.orgId).sort()).toEqual([BUREAU, LEAD].sort());
    for (const d of digests) expect(ReminderDueDetail.safeParse(d).success).toBe(true);
    const lead = digests.find((d) => d.orgId === LEAD);
    expect(lead?.digestId).toBe(`test-plan#2023-10-09#${LEAD}`);
    expect(lead?.items.map((i) => i.kind)).toEqual(['overdue', 'due_soon', 'stagnant']);
    expect(lead?.text).toContain('群众体育科');
    expect(lead?.text).toContain('共3项待办——逾期1项，临期1项，进度停滞1项');
    expect(lead?.text).toContain('国庆节前后事项');
    // The bureau: the escalation, and (from October's first workday, 10-07, on) September's bulletin is ready.
    const bureau = digests.find((d) => d.orgId === BUREAU);
    expect(bureau?.items.map((i) => [i.kind, i.subjectOrgId ?? i.period])).toEqual([
      ['escalation', LEAD],
      ['bulletin_ready', '2023-09'],
    ]);
  });

  it('thresholds count workdays; one that came due in the holiday is sent on the next workday run, once', async () => {
    // T01 is due Thu 2023-10-12: 7 workdays left from 09-28 (the holiday does not count), 3 from 10-10, 1 on 10-12.
    const { handler, bus } = setup();
    const dueSoon = () =>
      bus
        .digests()
        .flatMap((d) =>
          d.items.filter((i) => i.kind === 'due_soon' && i.taskId === 'T01' && !i.milestoneId).map((i) => `${d.date} ${i.key}`),
        );
    for (const date of ['2023-10-05', '2023-10-06']) {
      const out = await handler({ now: at9(date) });
      expect(out.runs[0]).toMatchObject({ workday: false, sent: 0, digests: 0 });
    }
    await handler({ now: at9('2023-10-07') });
    await handler({ now: at9('2023-10-08') });
    await handler({ now: at9('2023-10-09') });
    await handler({ now: at9('2023-10-09') });
    await handler({ now: at9('2023-10-10') });
    await handler({ now: at9('2023-10-11') });
    await handler({ now: at9('2023-10-12') });
    expect(dueSoon()).toEqual([
      `2023-10-07 due_soon#T01#${LEAD}#d7`,
      `2023-10-10 due_soon#T01#${LEAD}#d3`,
      `2023-10-12 due_soon#T01#${LEAD}#d1`,
    ]);
  });

  it('overdue every workday after the due date, none on holidays, until done', async () => {
    const { handler, bus, reader } = setup();
    const overdueDates = () =>
      bus.digests().flatMap((d) => d.items.filter((i) => i.kind === 'overdue' && i.milestoneId === 'T01-M1').map(() => d.date));
    for (const date of ['2023-09-28', '2023-09-29', '2023-10-01', '2023-10-06', '2023-10-07', '2023-10-08', '2023-10-09', '2023-10-10'])
      await handler({ now: at9(date) });
    expect(overdueDates()).toEqual(['2023-10-07', '2023-10-08', '2023-10-09', '2023-10-10']);
    reader.set({
      taskId: 'T01',
      orgId: LEAD,
      status: 'in_progress',
      reportedAt: '2023-10-10T08:00:00Z',
      completedMilestoneIds: ['T01-M1'],
    });
    await handler({ now: at9('2023-10-11') });
    expect(overdueDates()).toEqual(['2023-10-07', '2023-10-08', '2023-10-09', '2023-10-10']);
  });

  it('escalation repeats every 3 workdays until the item is done', async () => {
    const { handler, bus, reader } = setup();
    const escalations = () =>
      bus
        .digests()
        .flatMap((d) => d.items.filter((i) => i.kind === 'escalation' && i.milestoneId === 'T01-M1').map(() => `${d.orgId} ${d.date}`));
    const days = [
      '2023-10-07',
      '2023-10-08',
      '2023-10-09',
      '2023-10-10',
      '2023-10-11',
      '2023-10-12',
      '2023-10-13',
      '2023-10-16',
      '2023-10-17',
      '2023-10-18',
    ];
    for (const date of days) await handler({ now: at9(date) });
    expect(escalations()).toEqual([`${BUREAU} 2023-10-09`, `${BUREAU} 2023-10-12`, `${BUREAU} 2023-10-17`]);
    // The lead claims completion (申请办结): pending the office's review, its reminders of T01 pause.
    reader.set({ taskId: 'T01', orgId: LEAD, status: 'completed', reportedAt: '2023-10-18T08:00:00Z' });
    for (const date of ['2023-10-19', '2023-10-20', '2023-10-23', '2023-10-24']) await handler({ now: at9(date) });
    expect(escalations()).toHaveLength(3);
    expect(
      bus
        .digests()
        .filter((d) => d.date >= '2023-10-19')
        .flatMap((d) => d.items)
        .filter((i) => i.taskId === 'T01'),
    ).toEqual([]);
  });

  // Issue 15: a claim pauses the unit's reminders of the task; a return (退回) resumes them, with the office's comment once.
  it('a returned claim: the next digest carries a `returned` item with the comment, once; the deadline reminders resume', async () => {
    const { handler, bus, reader, reviews, plan } = setup();
    const claimedAt = '2023-10-08T08:00:00Z';
    reader.set({ taskId: 'T01', orgId: LEAD, status: 'completed', reportedAt: claimedAt, webhookId: 'msg_claim' });
    await handler({ now: at9('2023-10-09') });
    const t01 = (date: string) =>
      bus
        .digests()
        .filter((d) => d.date === date && d.orgId === LEAD)
        .flatMap((d) => d.items.filter((i) => i.taskId === 'T01'));
    expect(t01('2023-10-09')).toEqual([]);
    await reviews.recordDecision({
      planId: plan.planId,
      taskId: 'T01',
      orgId: LEAD,
      claim: { reportedAt: claimedAt, webhookId: 'msg_claim' },
      decision: 'return',
      state: 'returned',
      comment: '节点T01-M1未完成，请补充佐证材料',
      decidedAt: '2023-10-09T06:00:00.000Z',
      decidedBy: 'local:office-token',
    });
    await handler({ now: at9('2023-10-10') });
    const items = t01('2023-10-10');
    expect(items.map((i) => i.kind).sort()).toEqual(['due_soon', 'overdue', 'returned']);
    expect(items.find((i) => i.kind === 'returned')).toMatchObject({
      comment: '节点T01-M1未完成，请补充佐证材料',
      decidedOn: '2023-10-09',
      actBy: '2023-10-12',
    });
    const digest = bus.digests().find((d) => d.date === '2023-10-10' && d.orgId === LEAD)!;
    expect(digest.items[0]?.kind).toBe('returned');
    expect(digest.text).toContain('【退回】T01');
    expect(digest.text).toContain(
      '本单位的办结申请已于2023年10月9日被督查室退回，退回意见：节点T01-M1未完成，请补充佐证材料。请按意见继续办理，于2023年10月12日前报送整改进展',
    );
    await handler({ now: at9('2023-10-11') });
    expect(t01('2023-10-11').map((i) => i.kind)).toEqual(['overdue']);
  });

  it('an approved claim (销号) keeps the unit’s reminders of the task stopped; the task is done once every lead is approved', async () => {
    const { handler, bus, reader, reviews, plan } = setup();
    reader.set({ taskId: 'T01', orgId: LEAD, status: 'completed', reportedAt: '2023-10-08T08:00:00Z', webhookId: 'msg_claim' });
    await reviews.recordDecision({
      planId: plan.planId,
      taskId: 'T01',
      orgId: LEAD,
      claim: { reportedAt: '2023-10-08T08:00:00Z', webhookId: 'msg_claim' },
      decision: 'approve',
      state: 'approved',
      comment: null,
      decidedAt: '2023-10-09T06:00:00.000Z',
      decidedBy: 'local:office-token',
    });
    for (const date of ['2023-10-10', '2023-10-11', '2023-10-12']) await handler({ now: at9(date) });
    expect(
      bus
        .digests()
        .flatMap((d) => d.items)
        .filter((i) => i.taskId === 'T01'),
    ).toEqual([]);
  });

  it('escalation across New Year 2024: the first three workdays of January', async () => {
    const { handler, bus } = setup();
    const t02 = () =>
      bus
        .digests()
        .flatMap((d) =>
          d.items
            .filter((i) => i.milestoneId === 'T02-M1' && (i.kind === 'overdue' || i.kind === 'escalation'))
            .map((i) => `${d.date} ${i.kind}`),
        );
    for (const date of ['2023-12-29', '2023-12-30', '2023-12-31', '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'])
      await handler({ now: at9(date) });
    expect(t02()).toEqual(['2024-01-02 overdue', '2024-01-03 overdue', '2024-01-04 escalation', '2024-01-04 overdue']);
  });

  it('催报: a notice once before the due day, then every workday after it until the unit reports', async () => {
    const { handler, bus, reader } = setup({ reportsIn: false });
    const of = (kind: string) => () =>
      bus
        .digests()
        .flatMap((d) =>
          d.items.filter((i) => i.kind === kind).map((i) => `${d.date} ${i.taskId} ${d.orgId} ${(i.periods ?? [i.period]).join(',')}`),
        );
    reader.markReported('2023-Q3', 'T02', LEAD_2);
    for (const date of ['2023-09-19', '2023-09-22', '2023-09-25', '2023-09-26', '2023-09-27']) await handler({ now: at9(date) });
    reader.markReported('2023-09', 'T01', LEAD);
    for (const date of ['2023-09-28', '2023-10-07']) await handler({ now: at9(date) });
    expect(of('report_due_soon')()).toEqual([`2023-09-22 T01 ${LEAD} 2023-09`]);
    expect(of('report_missing')()).toEqual([`2023-09-26 T01 ${LEAD} 2023-09`, `2023-09-27 T01 ${LEAD} 2023-09`]);
  });

  it('stagnant once per stagnation, after a full quarter plus grace; again only after a newer report goes stale', async () => {
    const { handler, bus, reader } = setup();
    const stagnant = () => bus.digests().flatMap((d) => d.items.filter((i) => i.kind === 'stagnant').map((i) => `${d.date} ${i.key}`));
    // T02 is quarterly: 92 + 7 = 99 days. From 06-26 that is 10-03 (in the holiday): sent on 10-07.
    reader.set({ taskId: 'T02', orgId: LEAD_2, status: 'in_progress', reportedAt: '2023-06-26T02:00:00Z' });
    for (const date of ['2023-07-26', '2023-09-28', '2023-10-07', '2023-10-08']) await handler({ now: at9(date) });
    reader.set({ taskId: 'T02', orgId: LEAD_2, status: 'in_progress', reportedAt: '2023-10-09T02:00:00Z' });
    for (const date of ['2023-11-08', '2023-12-28', '2024-01-16', '2024-01-17']) await handler({ now: at9(date) });
    expect(stagnant()).toEqual([`2023-10-07 stagnant#T02#${LEAD_2}#2023-06-26`, `2024-01-16 stagnant#T02#${LEAD_2}#2023-10-09`]);
  });

  it('a blocked report: the supervisor gets a 协调 item in the next digest, once', async () => {
    const { handler, bus, reader } = setup();
    reader.set({ taskId: 'T02', orgId: LEAD_2, status: 'blocked', reportedAt: '2023-10-08T10:00:00Z' });
    for (const date of ['2023-10-09', '2023-10-10']) await handler({ now: at9(date) });
    const blocked = bus
      .digests()
      .flatMap((d) => d.items.filter((i) => i.kind === 'blocked').map((i) => `${d.date} ${d.orgId} ${i.subjectOrgId}`));
    expect(blocked).toEqual([`2023-10-09 ${BUREAU} ${LEAD_2}`]);
    expect(bus.digests().find((d) => d.orgId === BUREAU)?.text).toContain(
      '青少年体育科于2023年10月8日报告工作受阻。请济宁市体育局于2023年10月11日前协调解决',
    );
  });
});

describe('send-reminders on the real plan (issue 14 points 9 and 11)', () => {
  function realRun() {
    const reader = new FakeStateReader();
    const store = new InMemoryReminderStore();
    const bus = new RecordingBus();
    const handler = createSendRemindersHandler({
      reader,
      reviews: new FakeReviewStore(),
      store,
      bus,
      clock: fixedClock(at9('2023-12-20')),
      logger: recordingLogger(),
    });
    return { reader, bus, handler };
  }

  it('T08 is due Sunday 12-31: every workday run from 12-20 on, Friday 12-29 still carries its final due-soon item to the lead unit', async () => {
    const { handler, bus } = realRun();
    for (const date of ['2023-12-20', '2023-12-21', '2023-12-22', '2023-12-25', '2023-12-26', '2023-12-27', '2023-12-28', '2023-12-29'])
      await handler({ now: at9(date) });
    const t08 = bus
      .digests()
      .flatMap((d) =>
        d.items
          .filter((i) => d.orgId === 'jn-mass-sports' && i.kind === 'due_soon' && i.taskId === 'T08' && !i.milestoneId)
          .map((i) => `${d.date} ${i.key}`),
      );
    expect(t08).toEqual([
      '2023-12-21 due_soon#T08#jn-mass-sports#d7',
      '2023-12-27 due_soon#T08#jn-mass-sports#d3',
      '2023-12-29 due_soon#T08#jn-mass-sports#d1',
    ]);
  });

  it('counties feeding KPIs get their own digest: one per unit per day, with their 催报 and deadlines', async () => {
    const { handler, bus } = realRun();
    for (const date of ['2023-12-28', '2023-12-29']) await handler({ now: at9(date) });
    for (const date of ['2023-12-28', '2023-12-29']) {
      const orgs = bus
        .digests()
        .filter((d) => d.date === date)
        .map((d) => d.orgId);
      expect(new Set(orgs).size).toBe(orgs.length);
    }
    const county = bus.digests().find((d) => d.date === '2023-12-29' && d.orgId === '370811');
    expect(county?.items.map((i) => `${i.kind} ${i.taskId}`).sort()).toEqual([
      'due_soon T08',
      'due_soon T10',
      'due_soon T17',
      'report_missing T08',
      'report_missing T10',
      'report_missing T17',
    ]);
  });
});

describe('send-reminders: the monthly bulletin (通报)', () => {
  it('on October’s first workday the bureau’s digest says September’s bulletin is ready, where to get it, and only once', async () => {
    const { handler, bus } = setup();
    await handler({ now: at9('2023-10-07') });
    await handler({ now: at9('2023-10-09') });
    const items = bus
      .digests()
      .flatMap((d) => d.items.filter((i) => i.kind === 'bulletin_ready').map((i) => ({ date: d.date, orgId: d.orgId, i, text: d.text })));
    expect(items.map(({ date, orgId, i }) => [date, orgId, i.period, i.link])).toEqual([
      ['2023-10-07', BUREAU, '2023-09', '/v1/plans/test-plan/bulletins/2023-09'],
    ]);
    expect(items[0]?.text).toContain(
      '【通报】2023年9月《测试工作要点》落实情况通报已生成，可在督查督办看板“总览”页下载（Excel、CSV、网页版）。请于2023年10月9日前审核印发。',
    );
    for (const d of bus.digests()) expect(ReminderDueDetail.safeParse(d).success).toBe(true);
  });
});

describe('send-reminders: run flow', () => {
  it('does nothing on a non-workday, not even a read', async () => {
    const { handler, reader, store, bus, logger } = setup();
    const out = await handler({ now: at9('2023-10-01') });
    expect(out.runs).toEqual([expect.objectContaining({ date: '2023-10-01', workday: false, sent: 0, digests: 0 })]);
    expect(reader.loads).toBe(0);
    expect(store.lookups).toHaveLength(0);
    expect(bus.events).toHaveLength(0);
    expect(logger.records.some((r) => r.message.includes('not a workday'))).toBe(true);
  });

  it('works on make-up workdays (Sat 2023-10-07)', async () => {
    const { handler } = setup();
    const out = await handler({ now: at9('2023-10-07') });
    expect(out.runs[0]).toMatchObject({ workday: true });
    expect(out.runs[0]?.sent).toBeGreaterThan(0);
  });

  it('uses the business date in the plan time zone, and the clock when no `now` is given', async () => {
    // 2023-10-08T16:30Z is 2023-10-09 00:30 in Shanghai.
    const { handler } = setup({ clock: fixedClock('2023-10-08T16:30:00Z') });
    const out = await handler({});
    expect(out.runs[0]?.date).toBe('2023-10-09');
  });

  it('reads claims once per run, with exactly the candidate keys (not the reports)', async () => {
    const { handler, store } = setup();
    await handler({ now: at9('2023-10-09') });
    expect(store.lookups).toHaveLength(1);
    expect(store.lookups[0]?.keys).toContain(`overdue#T01-M1#${LEAD}#2023-10-09`);
    expect(store.lookups[0]?.escalations).toEqual([{ item: 'T01-M1', orgId: LEAD }]);
  });

  it('re-publishes digests left queued by a run that died before publishing', async () => {
    const { handler, bus, store } = setup();
    bus.failNext = 1;
    await expect(handler({ now: at9('2023-10-09') })).rejects.toThrow('bus unavailable');
    expect(bus.events).toHaveLength(0);
    const queued = await store.queuedDigests('test-plan', '2023-10-09');
    expect(queued.length).toBeGreaterThan(0);

    const retry = await handler({ now: at9('2023-10-09') });
    expect(retry.runs[0]).toMatchObject({ republished: queued.length, sent: 0, digests: 0 });
    expect(
      bus
        .digests()
        .map((d) => d.digestId)
        .sort(),
    ).toEqual(queued.map((d) => d.digestId).sort());
    expect(await store.queuedDigests('test-plan', '2023-10-09')).toEqual([]);

    await handler({ now: at9('2023-10-09') });
    expect(bus.events).toHaveLength(queued.length);
  });

  it('skips a recipient a concurrent run claimed first, and still serves the others', async () => {
    const { handler, bus, store, logger } = setup();
    store.beforeCommit = (commit) => {
      if (commit.digest.orgId === BUREAU) store.claim('test-plan', `escalation#T01-M1#${LEAD}#2023-10-09`);
    };
    const out = await handler({ now: at9('2023-10-09') });
    expect(out.runs[0]).toMatchObject({ conflicts: 1, digests: 1 });
    expect(bus.digests().map((d) => d.orgId)).toEqual([LEAD]);
    expect(logger.records.some((r) => r.level === 'warn' && r.attributes.some((a) => a.orgId === BUREAU))).toBe(true);
  });

  it('counts items by kind in the summary and in the RemindersSent metric', async () => {
    const { handler, metrics } = setup();
    const out = await handler({ now: at9('2023-10-09') });
    // September's bulletin is announced to the bureau, in the digest it gets for the escalation.
    expect(out.runs[0]?.byKind).toEqual({
      due_soon: 1,
      overdue: 1,
      escalation: 1,
      report_missing: 0,
      stagnant: 0,
      report_due_soon: 0,
      blocked: 0,
      returned: 0,
      bulletin_ready: 1,
    });
    expect(out.runs[0]?.sent).toBe(4);
    expect(out.runs[0]?.digests).toBe(2);
    expect(
      metrics.counts.filter((c) => c.name === 'RemindersSent').sort((a, b) => a.dimensions.Kind!.localeCompare(b.dimensions.Kind!)),
    ).toEqual([
      { name: 'RemindersSent', dimensions: { Kind: 'bulletin_ready' }, value: 1 },
      { name: 'RemindersSent', dimensions: { Kind: 'due_soon' }, value: 1 },
      { name: 'RemindersSent', dimensions: { Kind: 'escalation' }, value: 1 },
      { name: 'RemindersSent', dimensions: { Kind: 'overdue' }, value: 1 },
    ]);
    // A second run sends nothing new: nothing counted.
    await handler({ now: at9('2023-10-09') });
    expect(metrics.total('RemindersSent')).toBe(4);
  });

  it('rejects an unknown plan and an invalid `now`', async () => {
    const { handler } = setup();
    await expect(handler({ planId: 'nope' })).rejects.toBeInstanceOf(UnknownPlanError);
    await expect(handler({ now: 'yesterday' })).rejects.toThrow(/invalid run input/);
  });

  it('a calendar without the year: logs a warning, emits the CalendarYearMissing metric, falls back to Monday–Friday', async () => {
    const mondayToFriday: WorkdayCalendar = { coversYear: () => false, isWorkday: (d) => dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6 };
    const { handler, logger, metrics } = setup({ calendar: mondayToFriday });
    const sat = await handler({ now: at9('2023-10-07') });
    expect(sat.runs[0]?.workday).toBe(false);
    expect(logger.records.some((r) => r.level === 'warn' && r.message.includes('calendar lacks a year'))).toBe(true);
    expect(metrics.counts).toEqual([{ name: 'CalendarYearMissing', dimensions: {}, value: 1, metadata: { year: 2023 } }]);
    // Said again on the next run (a warm Lambda must not go quiet); that run also counts workdays into 2024.
    await handler({ now: at9('2023-10-09') });
    expect(metrics.counts.filter((c) => c.name === 'CalendarYearMissing').map((c) => c.metadata?.year)).toEqual([2023, 2023, 2024]);
  });

  it('runs every plan of the real catalog by default', async () => {
    const reader = new FakeStateReader();
    const store = new InMemoryReminderStore();
    const bus = new RecordingBus();
    const handler = createSendRemindersHandler({
      reader,
      reviews: new FakeReviewStore(),
      store,
      bus,
      clock: fixedClock(at9('2023-12-25')),
      logger: recordingLogger(),
    });
    const out = await handler();
    expect(out.runs.map((r) => r.planId)).toEqual(['jining-sports-2023']);
    expect(out.runs[0]?.byKind.report_missing).toBeGreaterThan(0);
    // One digest per unit.
    const orgs = bus.digests().map((d) => d.orgId);
    expect(new Set(orgs).size).toBe(orgs.length);
    const again = await handler();
    expect(again.runs[0]).toMatchObject({ sent: 0, digests: 0 });
  });
});
