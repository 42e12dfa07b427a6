import { describe, expect, it } from 'vitest';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { getPlan } from '../../shared/plan/catalog.js';
import type { Plan, PlanInput } from '../../shared/plan/schema.js';
import { taskUnits } from '../../shared/plan/units.js';
import type { UnitTaskRecord } from '../../shared/ports/state.js';
import { periodsToRead, reminderCandidates, reportedKey, type ReminderCandidate } from '../../shared/reminders/policy.js';
import { periodsOfYear } from '../../shared/time/period.js';
import { kpiReporters, milestoneRecipients, taskRecipients } from '../../shared/reminders/recipients.js';
import { selectNew } from '../../shared/reminders/select.js';
import { escalationStateKey } from '../../shared/reminders/keys.js';
import { BUREAU, LEAD, LEAD_2, SUPPORT, testPlan } from './reminders.fakes.js';

const calendar = chineseWorkdayCalendar();
const realPlan = getPlan('jining-sports-2023')!;

function unit(u: Partial<UnitTaskRecord> & Pick<UnitTaskRecord, 'taskId' | 'orgId' | 'status'>): UnitTaskRecord {
  return { reportedAt: '2023-09-20T02:00:00Z', webhookId: 'wh', period: '2023-09', completedMilestoneIds: [], ...u };
}

/** A unit's completion claim as the office decided it (issue 15: `completed` closes only once approved). */
function claim(u: Pick<UnitTaskRecord, 'taskId' | 'orgId'>, state: 'approved' | 'pending' | 'returned' = 'approved'): UnitTaskRecord {
  const reportedAt = '2023-09-20T02:00:00Z';
  const decided =
    state === 'pending'
      ? {}
      : { decidedAt: '2023-09-21T02:00:00Z', decidedBy: 'office', comment: state === 'returned' ? '请补充佐证材料' : null };
  return unit({ ...u, status: 'completed', reportedAt, review: { state, claimedReportedAt: reportedAt, ...decided } });
}

/** Every period of the plan year reported by every unit of every task: for the tables about deadlines. */
function allReported(plan: Plan): string[] {
  return plan.tasks.flatMap((t) =>
    periodsOfYear(t.reporting.cycle, plan.year).flatMap((p) => taskUnits(t).map((o) => reportedKey(p, t.taskId, o))),
  );
}

function run(today: string, options: { units?: UnitTaskRecord[]; reported?: string[]; plan?: Plan } = {}) {
  return reminderCandidates({
    plan: options.plan ?? testPlan(),
    today,
    calendar,
    units: options.units ?? [],
    reported: new Set(options.reported ?? []),
  });
}

/** The same, with every report in: only the deadline rules speak (the monthly bulletin's notice is no deadline). */
function runDeadlines(today: string, options: { units?: UnitTaskRecord[]; plan?: Plan } = {}) {
  const plan = options.plan ?? testPlan();
  return run(today, { ...options, plan, reported: allReported(plan) }).filter((c) => c.item.kind !== 'bulletin_ready');
}

/** `key → recipient` of the candidates of some kinds, sorted. */
function routed(candidates: ReminderCandidate[], kinds: string[]): string[] {
  return candidates
    .filter((c) => kinds.includes(c.item.kind))
    .map((c) => `${c.item.key} → ${c.recipientOrgId}`)
    .sort();
}

/** A test plan whose T01 is edited. */
function withT01(edit: (t: PlanInput['tasks'][number]) => PlanInput['tasks'][number], overrides: Partial<PlanInput> = {}): Plan {
  const base = testPlan();
  return testPlan({ ...overrides, tasks: base.tasks.map((t) => (t.taskId === 'T01' ? edit(t) : t)) });
}

describe('deadlines across the 2023 National Day holiday and New Year 2024, counted in workdays', () => {
  // T01 due Thu 2023-10-12; T01-M1 due Thu 2023-09-28; T02 due Wed 2024-01-03, T02-M1 due Fri 2023-12-29.
  // Holiday 09-29…10-06, make-up workdays Sat 10-07, Sun 10-08; New Year 12-30…01-01.
  // Workdays left count today and the due date: threshold k is due once k workdays or fewer remain.
  const cases: Array<{ today: string; why: string; expected: string[] }> = [
    { today: '2023-09-21', why: 'T01-M1: 6 workdays left (09-21…09-28): d7', expected: [`due_soon#T01-M1#${LEAD}#d7 → ${LEAD}`] },
    { today: '2023-09-27', why: 'T01-M1 due tomorrow: 2 workdays left: d3', expected: [`due_soon#T01-M1#${LEAD}#d3 → ${LEAD}`] },
    {
      today: '2023-09-28',
      why: 'T01-M1 due today: d1; T01 is 7 workdays away (the holiday does not count)',
      expected: [`due_soon#T01#${LEAD}#d7 → ${LEAD}`, `due_soon#T01-M1#${LEAD}#d1 → ${LEAD}`],
    },
    {
      today: '2023-10-07',
      why: 'make-up Saturday: T01-M1 1 workday overdue; T01 6 workdays left',
      expected: [`due_soon#T01#${LEAD}#d7 → ${LEAD}`, `overdue#T01-M1#${LEAD}#2023-10-07 → ${LEAD}`],
    },
    {
      today: '2023-10-09',
      why: '3 workdays overdue (10-07, 10-08, 10-09): escalation to the supervisor; T01 4 workdays left',
      expected: [
        `due_soon#T01#${LEAD}#d7 → ${LEAD}`,
        `escalation#T01-M1#${LEAD}#2023-10-09 → ${BUREAU}`,
        `overdue#T01-M1#${LEAD}#2023-10-09 → ${LEAD}`,
      ],
    },
    {
      today: '2023-10-10',
      why: 'T01 3 workdays left (10-10, 10-11, 10-12): d3',
      expected: [
        `due_soon#T01#${LEAD}#d3 → ${LEAD}`,
        `escalation#T01-M1#${LEAD}#2023-10-10 → ${BUREAU}`,
        `overdue#T01-M1#${LEAD}#2023-10-10 → ${LEAD}`,
      ],
    },
    {
      today: '2023-10-12',
      why: 'T01 due today: the final reminder d1',
      expected: [
        `due_soon#T01#${LEAD}#d1 → ${LEAD}`,
        `escalation#T01-M1#${LEAD}#2023-10-12 → ${BUREAU}`,
        `overdue#T01-M1#${LEAD}#2023-10-12 → ${LEAD}`,
      ],
    },
    {
      today: '2023-10-13',
      why: 'T01 1 workday overdue (not yet escalated), T01-M1 still escalated',
      expected: [
        `escalation#T01-M1#${LEAD}#2023-10-13 → ${BUREAU}`,
        `overdue#T01#${LEAD}#2023-10-13 → ${LEAD}`,
        `overdue#T01-M1#${LEAD}#2023-10-13 → ${LEAD}`,
      ],
    },
    {
      today: '2023-12-27',
      why: 'T02 5 workdays left (12-27, 28, 29, 01-02, 01-03): d7; T02-M1 3 left: d3',
      expected: [
        `due_soon#T02#${LEAD_2}#d7 → ${LEAD_2}`,
        `due_soon#T02-M1#${LEAD_2}#d3 → ${LEAD_2}`,
        `escalation#T01#${LEAD}#2023-12-27 → ${BUREAU}`,
        `escalation#T01-M1#${LEAD}#2023-12-27 → ${BUREAU}`,
        `overdue#T01#${LEAD}#2023-12-27 → ${LEAD}`,
        `overdue#T01-M1#${LEAD}#2023-12-27 → ${LEAD}`,
      ],
    },
    {
      today: '2024-01-02',
      why: 'first workday of 2024: T02-M1 1 workday overdue (12-30…01-01 off); T02 2 workdays left: d3',
      expected: [
        `due_soon#T02#${LEAD_2}#d3 → ${LEAD_2}`,
        `escalation#T01#${LEAD}#2024-01-02 → ${BUREAU}`,
        `escalation#T01-M1#${LEAD}#2024-01-02 → ${BUREAU}`,
        `overdue#T01#${LEAD}#2024-01-02 → ${LEAD}`,
        `overdue#T01-M1#${LEAD}#2024-01-02 → ${LEAD}`,
        `overdue#T02-M1#${LEAD_2}#2024-01-02 → ${LEAD_2}`,
      ],
    },
    {
      today: '2024-01-04',
      why: 'T02-M1 3 workdays overdue (01-02, 01-03, 01-04): escalated; T02 1 workday overdue',
      expected: [
        `escalation#T01#${LEAD}#2024-01-04 → ${BUREAU}`,
        `escalation#T01-M1#${LEAD}#2024-01-04 → ${BUREAU}`,
        `escalation#T02-M1#${LEAD_2}#2024-01-04 → ${BUREAU}`,
        `overdue#T01#${LEAD}#2024-01-04 → ${LEAD}`,
        `overdue#T01-M1#${LEAD}#2024-01-04 → ${LEAD}`,
        `overdue#T02#${LEAD_2}#2024-01-04 → ${LEAD_2}`,
        `overdue#T02-M1#${LEAD_2}#2024-01-04 → ${LEAD_2}`,
      ],
    },
  ];

  it.each(cases)('$today: $why', ({ today, expected }) => {
    expect(routed(runDeadlines(today), ['due_soon', 'overdue', 'escalation'])).toEqual(expected);
  });

  it('counts days and workdays overdue across the holiday and the make-up weekend; asks to act before the next escalation', () => {
    const escalation = runDeadlines('2023-10-09').find((c) => c.item.kind === 'escalation');
    expect(escalation?.item).toMatchObject({
      taskId: 'T01',
      milestoneId: 'T01-M1',
      subjectOrgId: LEAD,
      daysOverdue: 11,
      workdaysOverdue: 3,
      dueDate: '2023-09-28',
    });
    expect(escalation?.escalation).toEqual({ item: 'T01-M1', orgId: LEAD });
    // Escalated today; the next escalation is 3 workdays on (10-12): act by the workday before it.
    expect(escalation?.item.actBy).toBe('2023-10-11');
    // 1 workday overdue on the make-up Saturday: escalated on the 3rd workday (10-09), so act by 10-08.
    expect(runDeadlines('2023-10-07').find((c) => c.item.kind === 'overdue')?.item).toMatchObject({
      workdaysOverdue: 1,
      actBy: '2023-10-08',
    });
  });

  it('due_soon claims every pending threshold, tightest first', () => {
    const c = runDeadlines('2023-10-11').find((x) => x.item.kind === 'due_soon');
    expect(c?.item).toMatchObject({ daysLeft: 1, workdaysLeft: 2, actBy: '2023-10-12' });
    expect(c?.claimKeys).toEqual([`due_soon#T01#${LEAD}#d3`, `due_soon#T01#${LEAD}#d7`]);
  });
});

describe('issue 14 point 11: a deadline on a non-workday', () => {
  // T08 is due Sunday 2023-12-31 (New Year: 12-30…01-01 off). Friday 12-29 is the last workday.
  const t08 = (today: string) =>
    runDeadlines(today, { plan: realPlan }).filter(
      (c) => c.item.kind === 'due_soon' && c.item.taskId === 'T08' && !c.item.milestoneId && c.recipientOrgId === 'jn-mass-sports',
    );

  it('Friday 2023-12-29 carries the final due-soon item (d1) for T08 to its lead unit, to hand in that day', () => {
    const [c] = t08('2023-12-29');
    expect(c?.item).toMatchObject({
      key: 'due_soon#T08#jn-mass-sports#d1',
      workdaysLeft: 1,
      daysLeft: 2,
      dueDate: '2023-12-31',
      actBy: '2023-12-29',
    });
  });

  it('the day before is d3, not yet the final one, so that Friday is not already claimed', () => {
    expect(t08('2023-12-28').map((c) => c.item.key)).toEqual(['due_soon#T08#jn-mass-sports#d3']);
  });
});

describe('issue 14 point 1: a milestone date we assumed raises no alarm', () => {
  const assumed = withT01((t) => ({
    ...t,
    milestones: [{ milestoneId: 'T01-M1', title: '节前节点', dueDate: '2023-09-28', assumption: true }],
  }));

  it('no overdue and no escalation for it; the task itself still is', () => {
    const candidates = runDeadlines('2023-10-13', { plan: assumed });
    expect(candidates.filter((c) => c.item.milestoneId === 'T01-M1')).toEqual([]);
    expect(routed(candidates, ['overdue', 'escalation'])).toEqual([`overdue#T01#${LEAD}#2023-10-13 → ${LEAD}`]);
  });

  it('a due-soon reminder is fine, and says the date is an assumption', () => {
    const [c] = runDeadlines('2023-09-27', { plan: assumed }).filter((x) => x.item.milestoneId === 'T01-M1');
    expect(c?.item).toMatchObject({ kind: 'due_soon', dateAssumed: true });
  });

  it('the real plan on 2023-07-03 with no reports: nothing overdue for T05-M1, T08-M1, T18-M1, T24-M1 (assumed); T10-M1 (printed) is', () => {
    const candidates = runDeadlines('2023-07-03', { plan: realPlan });
    const late = candidates
      .filter((c) => c.item.kind === 'overdue' || c.item.kind === 'escalation')
      .map((c) => c.item.milestoneId ?? c.item.taskId);
    expect([...new Set(late)].sort()).toEqual(['T10-M1']);
  });
});

describe('issue 14 point 9: every unit whose reports feed a KPI is reminded', () => {
  it('kpiReporters: sum_latest counts its reporting units, latest_of_org its one unit, held events nobody', () => {
    const t = realPlan.tasks;
    const byId = (id: string) => t.find((x) => x.taskId === id)!;
    expect(kpiReporters(byId('T08')).sort()).toEqual(taskUnits(byId('T08')).sort());
    expect(kpiReporters(byId('T17'))).toContain('370811');
    expect(kpiReporters(byId('T22'))).toEqual(['jn-lottery-center']);
    expect(kpiReporters(byId('T13'))).toEqual([]);
    expect(kpiReporters(byId('T06'))).toEqual([]);
  });

  it('a county on T08, T10 and T17 gets its own 催报 and deadline reminders; a zone on T08 and T10', () => {
    const candidates = run('2023-12-29', { plan: realPlan });
    const tasksOf = (orgId: string, kind: string) =>
      [...new Set(candidates.filter((c) => c.recipientOrgId === orgId && c.item.kind === kind).map((c) => c.item.taskId))].sort();
    expect(tasksOf('370811', 'report_missing')).toEqual(['T08', 'T10', 'T17']);
    expect(tasksOf('370811', 'due_soon')).toEqual(['T08', 'T10', 'T17']);
    expect(tasksOf('jn-zone-gaoxin', 'report_missing')).toEqual(['T08', 'T10']);
    // The city's milestones stay with the lead unit.
    expect(candidates.some((c) => c.recipientOrgId === '370811' && c.item.milestoneId)).toBe(false);
  });

  it('a support unit that feeds no KPI is not reminded unless the plan includes support units', () => {
    const plan = withT01((t) => ({
      ...t,
      supportOrgIds: [SUPPORT, '370812'],
      kpis: [
        {
          kpiId: 'k',
          taskId: 'T01',
          name: 'k',
          unit: '个',
          target: { op: '>=', value: 1 },
          aggregation: { kind: 'sum_latest' },
          reportingOrgIds: [LEAD, SUPPORT],
          source: 's',
        },
      ],
    }));
    const t01 = plan.tasks[0]!;
    expect(taskRecipients(plan, t01)).toEqual([LEAD, SUPPORT]);
    expect(milestoneRecipients(plan, t01, t01.milestones[0]!)).toEqual([LEAD]);
    const candidates = runDeadlines('2023-10-13', { plan });
    expect(
      routed(
        candidates.filter((c) => c.recipientOrgId === SUPPORT || c.item.subjectOrgId === SUPPORT),
        ['overdue', 'escalation', 'due_soon'],
      ),
    ).toEqual([`overdue#T01#${SUPPORT}#2023-10-13 → ${SUPPORT}`]);
    expect(candidates.some((c) => c.recipientOrgId === '370812')).toBe(false);
  });
});

describe('milestones: their owners are chased, and a held event completes one', () => {
  it('a milestone owned by another unit of the task is chased at that unit, not at the lead', () => {
    const plan = withT01((t) => ({
      ...t,
      milestones: [{ milestoneId: 'T01-M1', title: '节前节点', dueDate: '2023-09-28', ownerOrgIds: [SUPPORT] }],
    }));
    expect(
      routed(
        runDeadlines('2023-10-09', { plan }).filter((c) => c.item.milestoneId === 'T01-M1'),
        ['overdue', 'escalation'],
      ),
    ).toEqual([`escalation#T01-M1#${SUPPORT}#2023-10-09 → ${BUREAU}`, `overdue#T01-M1#${SUPPORT}#2023-10-09 → ${SUPPORT}`]);
  });

  it('the marathon registered as held completes T13-M1: no reminder for it any more', () => {
    const t13m1 = (events: Parameters<typeof reminderCandidates>[0]['events']) =>
      reminderCandidates({
        plan: realPlan,
        today: '2023-11-28',
        calendar,
        units: [],
        reported: new Set(allReported(realPlan)),
        events,
      }).filter((c) => c.item.milestoneId === 'T13-M1');
    expect(t13m1([]).map((c) => c.item.kind)).toEqual(['due_soon']);
    expect(t13m1([{ orgId: 'jn-mass-sports', taskIds: ['T13'], category: 'marathon', status: 'held' }])).toEqual([]);
  });
});

describe('issue 14 point 10: 催报 that does not forget', () => {
  // T01 monthly (due day 25, task due 10-12); T02 quarterly (due day 25, task due 2024-01-03); the plan starts 09-01.
  const missing = (candidates: ReminderCandidate[]) =>
    candidates
      .filter((c) => c.item.kind === 'report_missing')
      .map((c) => `${c.item.taskId} ${c.recipientOrgId} ${c.item.periods?.join(',')} due ${c.item.dueDate} +${c.item.workdaysOverdue}`)
      .sort();
  const notices = (candidates: ReminderCandidate[]) => routed(candidates, ['report_due_soon']);

  it('an advance notice 3 workdays before the due day (09-25 → from 09-20), once per period, until the due day', () => {
    expect(notices(run('2023-09-19'))).toEqual([]);
    const expected = [`report_due_soon#T01#${LEAD}#2023-09 → ${LEAD}`, `report_due_soon#T02#${LEAD_2}#2023-Q3 → ${LEAD_2}`];
    expect(notices(run('2023-09-20'))).toEqual(expected);
    expect(notices(run('2023-09-25'))).toEqual(expected);
    expect(missing(run('2023-09-25'))).toEqual([]);
    const [n] = run('2023-09-20').filter((c) => c.item.kind === 'report_due_soon' && c.item.taskId === 'T01');
    expect(n?.item).toMatchObject({ period: '2023-09', dueDate: '2023-09-25', actBy: '2023-09-25', workdaysLeft: 4 });
  });

  it('the day after the due day: 催报; a unit that reported for the period is not chased', () => {
    expect(missing(run('2023-09-26'))).toEqual([`T01 ${LEAD} 2023-09 due 2023-09-25 +1`, `T02 ${LEAD_2} 2023-Q3 due 2023-09-25 +1`]);
    expect(missing(run('2023-09-26', { reported: [reportedKey('2023-09', 'T01', LEAD)] }))).toEqual([
      `T02 ${LEAD_2} 2023-Q3 due 2023-09-25 +1`,
    ]);
  });

  it('a period not reported stays chased in the next periods, every workday, with its new key each day', () => {
    // October: T01's 10-25 report is after its due date (10-12), but September is still missing:
    // 18 workdays late (09-26…09-28, 10-07…10-13, 10-16…10-20, 10-23…10-25).
    expect(missing(run('2023-10-25'))).toEqual([`T01 ${LEAD} 2023-09 due 2023-09-25 +18`, `T02 ${LEAD_2} 2023-Q3 due 2023-09-25 +18`]);
    expect(routed(run('2023-10-25'), ['report_missing'])).toEqual([
      `report_missing#T01#${LEAD}#2023-10-25 → ${LEAD}`,
      `report_missing#T02#${LEAD_2}#2023-10-25 → ${LEAD_2}`,
    ]);
    // After Q4's due day both quarters are listed, oldest first.
    expect(missing(run('2023-12-26')).filter((m) => m.startsWith('T02'))).toEqual([`T02 ${LEAD_2} 2023-Q3,2023-Q4 due 2023-09-25 +62`]);
    // After the plan year the plan year's missing periods stay; 2024's are not the plan's.
    expect(missing(run('2024-03-25')).filter((m) => m.startsWith('T02'))).toEqual([`T02 ${LEAD_2} 2023-Q3,2023-Q4 due 2023-09-25 +122`]);
  });

  it('the real plan: June missing is still chased on 2023-07-03 (it disappeared on 07-01 before)', () => {
    const c = run('2023-07-03', { plan: realPlan }).find(
      (x) => x.item.kind === 'report_missing' && x.item.taskId === 'T08' && x.recipientOrgId === '370811',
    );
    expect(c?.item.periods).toEqual(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06']);
    const reported = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05'].map((p) => reportedKey(p, 'T08', '370811'));
    const onlyJune = run('2023-07-03', { plan: realPlan, reported }).find(
      (x) => x.item.kind === 'report_missing' && x.item.taskId === 'T08' && x.recipientOrgId === '370811',
    );
    expect(onlyJune?.item).toMatchObject({ periods: ['2023-06'], period: '2023-06', dueDate: '2023-06-25', workdaysOverdue: 6 });
  });

  it('reports missing 3 workdays or more are escalated to the supervisor: one item per unit, listing its tasks', () => {
    const esc = (today: string, plan?: Plan) => routed(run(today, plan ? { plan } : {}), ['escalation']);
    expect(esc('2023-09-27')).toEqual([]);
    // 09-25 + 3 workdays: 09-26, 09-27, 09-28.
    expect(esc('2023-09-28')).toEqual([
      `escalation#reports#${LEAD}#2023-09-28 → ${BUREAU}`,
      `escalation#reports#${LEAD_2}#2023-09-28 → ${BUREAU}`,
    ]);
    const [c] = run('2023-09-28').filter((x) => x.item.kind === 'escalation' && x.item.subjectOrgId === LEAD);
    expect(c?.item).toMatchObject({
      taskId: 'T01',
      period: '2023-09',
      dueDate: '2023-09-25',
      workdaysOverdue: 3,
      reportTasks: [{ taskId: 'T01', periods: ['2023-09'] }],
    });
    expect(c?.escalation).toEqual({ item: 'reports', orgId: LEAD });
    // One unit late on two tasks: one escalation naming both, the oldest first.
    const both = testPlan({ tasks: testPlan().tasks.map((t) => ({ ...t, leadOrgIds: [LEAD] })) });
    const [one, ...more] = run('2023-12-28', { plan: both }).filter((x) => x.item.kind === 'escalation' && x.item.period);
    expect(more).toEqual([]);
    expect(one?.item).toMatchObject({
      subjectOrgId: LEAD,
      reportTasks: [
        { taskId: 'T01', periods: ['2023-09'] },
        { taskId: 'T02', periods: ['2023-Q3', '2023-Q4'] },
      ],
    });
  });

  it('a report due day on a non-workday moves to the next workday', () => {
    // 09-23 is a Saturday: due Monday 09-25.
    const sat = withT01((t) => ({ ...t, reporting: { cycle: 'monthly', dueDay: 23 } }));
    expect(missing(run('2023-09-25', { plan: sat })).filter((m) => m.startsWith('T01'))).toEqual([]);
    expect(missing(run('2023-09-26', { plan: sat })).filter((m) => m.startsWith('T01'))).toEqual([`T01 ${LEAD} 2023-09 due 2023-09-25 +1`]);
    // 2023-01-25 is in the Spring Festival holiday: January's report is due on the make-up Saturday 01-28.
    const january = withT01((t) => t, { startDate: '2023-01-01' });
    expect(notices(run('2023-01-28', { plan: january })).filter((k) => k.includes('T01'))).toEqual([
      `report_due_soon#T01#${LEAD}#2023-01 → ${LEAD}`,
    ]);
    expect(missing(run('2023-01-28', { plan: january })).filter((m) => m.startsWith('T01'))).toEqual([]);
    expect(missing(run('2023-01-29', { plan: january })).filter((m) => m.startsWith('T01'))).toEqual([
      `T01 ${LEAD} 2023-01 due 2023-01-28 +1`,
    ]);
  });

  it('reads every period of the plan year begun, not only the current one', () => {
    expect(periodsToRead(testPlan(), '2023-03-07')).toEqual(['2023-01', '2023-02', '2023-03', '2023-Q1']);
    expect(periodsToRead(testPlan(), '2024-02-01')).toHaveLength(16);
  });
});

describe('issue 14 point 12: stagnation respects the reporting cycle', () => {
  const stagnant = (today: string, units: UnitTaskRecord[]) => routed(runDeadlines(today, { units }), ['stagnant']);

  it('a quarterly unit that reported on time is not 停滞 a month later; only after a quarter plus a grace period', () => {
    // T02 is quarterly; its lead reported Q2 on 2023-06-26 (business date), in progress.
    const units = [unit({ taskId: 'T02', orgId: LEAD_2, status: 'in_progress', reportedAt: '2023-06-26T02:00:00Z', period: '2023-Q2' })];
    expect(stagnant('2023-07-26', units)).toEqual([]);
    expect(stagnant('2023-09-25', units)).toEqual([]);
    // 92 + 7 = 99 days: from 2023-10-03.
    expect(stagnant('2023-10-02', units)).toEqual([]);
    expect(stagnant('2023-10-03', units)).toEqual([`stagnant#T02#${LEAD_2}#2023-06-26 → ${LEAD_2}`]);
    // A record written before the order carried its source names the webhook only.
    const [c] = runDeadlines('2023-10-03', { units }).filter((x) => x.item.kind === 'stagnant');
    expect(c?.item.webhookId).toBe('wh');
    expect(c?.item).not.toHaveProperty('sourceId');
  });

  // 2023-09-04T17:00Z is 2023-09-05 01:00 in Shanghai: the report's business date is 09-05.
  const monthly = [unit({ taskId: 'T01', orgId: LEAD, status: 'in_progress', reportedAt: '2023-09-04T17:00:00Z' })];
  const cases: Array<{ today: string; status: UnitTaskRecord['status']; expected: string[] }> = [
    { today: '2023-10-05', status: 'in_progress', expected: [] },
    // A monthly unit: 31 + 7 = 38 days (more than the plan's 30): from 2023-10-13.
    { today: '2023-10-12', status: 'in_progress', expected: [] },
    { today: '2023-10-13', status: 'in_progress', expected: [`stagnant#T01#${LEAD}#2023-09-05 → ${LEAD}`] },
    { today: '2023-10-13', status: 'not_started', expected: [] },
    { today: '2023-10-13', status: 'blocked', expected: [] },
  ];

  it.each(cases)('a monthly unit on $today with latest status $status', ({ today, status, expected }) => {
    expect(
      stagnant(
        today,
        monthly.map((u) => ({ ...u, status })),
      ),
    ).toEqual(expected);
  });
});

describe('issue 14 point 5: a blocked report goes to the supervisor (协调)', () => {
  it("the unit's supervisor gets a blocked item, once per blocked report", () => {
    const units = [
      unit({
        taskId: 'T01',
        orgId: LEAD,
        status: 'blocked',
        reportedAt: '2023-10-08T02:00:00Z',
        sourceId: 'mass-sports',
        webhookId: 'msg_blocked',
      }),
    ];
    const candidates = runDeadlines('2023-10-09', { units });
    expect(routed(candidates, ['blocked'])).toEqual([`blocked#T01#${LEAD}#2023-10-08 → ${BUREAU}`]);
    const [c] = candidates.filter((x) => x.item.kind === 'blocked');
    expect(c?.item).toMatchObject({ subjectOrgId: LEAD, lastReportDate: '2023-10-08', actBy: '2023-10-11' });
    // The report it answers, for the delivery's log lines.
    expect(c?.item).toMatchObject({ sourceId: 'mass-sports', webhookId: 'msg_blocked' });
  });

  it('whoever reported it (a support unit too); not for the bureau itself; not once the task is done', () => {
    const units = [
      unit({ taskId: 'T01', orgId: SUPPORT, status: 'blocked', reportedAt: '2023-10-08T02:00:00Z' }),
      unit({ taskId: 'T02', orgId: BUREAU, status: 'blocked', reportedAt: '2023-10-08T02:00:00Z' }),
    ];
    expect(routed(runDeadlines('2023-10-09', { units }), ['blocked'])).toEqual([`blocked#T01#${SUPPORT}#2023-10-08 → ${BUREAU}`]);
    const done = [...units, claim({ taskId: 'T01', orgId: LEAD })];
    expect(routed(runDeadlines('2023-10-09', { units: done }), ['blocked'])).toEqual([]);
    // A lead's claim pending review does not make the task done: the blocked support unit is still coordinated.
    const pending = [...units, claim({ taskId: 'T01', orgId: LEAD }, 'pending')];
    expect(routed(runDeadlines('2023-10-09', { units: pending }), ['blocked'])).toEqual([`blocked#T01#${SUPPORT}#2023-10-08 → ${BUREAU}`]);
  });
});

describe('nothing for done items', () => {
  it('a done task (every lead’s claim approved, 销号) has no reminder of any kind, its milestones included', () => {
    const plan = testPlan({ reminders: { includeSupportOrgs: true } });
    const candidates = run('2023-10-13', { plan, units: [claim({ taskId: 'T01', orgId: LEAD })] });
    expect(candidates.filter((c) => c.item.taskId === 'T01')).toEqual([]);
  });

  it('a lead’s claim pending review (待销号) pauses that unit’s reminders only: the task is not done, the other units are chased', () => {
    const plan = testPlan({ reminders: { includeSupportOrgs: true } });
    for (const lead of [claim({ taskId: 'T01', orgId: LEAD }, 'pending'), unit({ taskId: 'T01', orgId: LEAD, status: 'completed' })]) {
      const t01 = run('2023-10-13', { plan, units: [lead] }).filter((c) => c.item.taskId === 'T01');
      expect(t01.length).toBeGreaterThan(0);
      expect(t01.filter((c) => c.recipientOrgId === LEAD || c.item.subjectOrgId === LEAD)).toEqual([]);
      expect(t01.some((c) => c.recipientOrgId === SUPPORT)).toBe(true);
    }
  });

  it('a returned claim (退回): one `returned` item to the unit with the comment, and its deadline reminders again', () => {
    const candidates = runDeadlines('2023-10-13', { units: [claim({ taskId: 'T01', orgId: LEAD }, 'returned')] });
    const mine = candidates.filter((c) => c.recipientOrgId === LEAD && c.item.taskId === 'T01');
    expect(mine.map((c) => c.item.kind).sort()).toEqual(['overdue', 'overdue', 'returned']);
    expect(mine.find((c) => c.item.kind === 'returned')).toMatchObject({
      claimKeys: [`returned#T01#${LEAD}#2023-09-20T02:00:00.000Z`],
      item: { comment: '请补充佐证材料', decidedOn: '2023-09-21', actBy: '2023-10-17' },
    });
  });

  it('a milestone a lead unit reported complete has no reminder; its task still has', () => {
    const candidates = runDeadlines('2023-10-13', {
      units: [unit({ taskId: 'T01', orgId: LEAD, status: 'in_progress', completedMilestoneIds: ['T01-M1'] })],
    });
    expect(candidates.some((c) => c.item.milestoneId === 'T01-M1')).toBe(false);
    expect(routed(candidates, ['overdue'])).toEqual([`overdue#T01#${LEAD}#2023-10-13 → ${LEAD}`]);
  });

  it('a lead unit that completed its part gets nothing while the other lead is chased', () => {
    const plan = withT01((t) => ({ ...t, leadOrgIds: [LEAD, LEAD_2] }));
    const candidates = run('2023-10-13', { plan, units: [unit({ taskId: 'T01', orgId: LEAD, status: 'completed' })] });
    const t01 = candidates.filter((c) => c.item.taskId === 'T01');
    expect(t01.length).toBeGreaterThan(0);
    expect(t01.every((c) => c.recipientOrgId === LEAD_2 || c.item.subjectOrgId === LEAD_2)).toBe(true);
  });
});

describe('recipients', () => {
  it('supporting units only when the plan says so', () => {
    const without = run('2023-10-13');
    expect(without.some((c) => c.recipientOrgId === SUPPORT)).toBe(false);
    const withSupport = runDeadlines('2023-10-13', { plan: testPlan({ reminders: { includeSupportOrgs: true } }) });
    expect(
      routed(
        withSupport.filter((c) => c.recipientOrgId === SUPPORT || c.item.subjectOrgId === SUPPORT),
        ['overdue', 'escalation'],
      ),
    ).toEqual([
      `escalation#T01-M1#${SUPPORT}#2023-10-13 → ${BUREAU}`,
      `overdue#T01#${SUPPORT}#2023-10-13 → ${SUPPORT}`,
      `overdue#T01-M1#${SUPPORT}#2023-10-13 → ${SUPPORT}`,
    ]);
  });

  it('no escalation for a unit without a supervisor (the bureau itself)', () => {
    const plan = withT01((t) => ({ ...t, leadOrgIds: [BUREAU], supportOrgIds: [] }));
    const candidates = run('2023-10-13', { plan });
    expect(candidates.some((c) => c.item.kind === 'overdue' && c.recipientOrgId === BUREAU)).toBe(true);
    expect(candidates.some((c) => c.item.kind === 'escalation' && c.item.taskId === 'T01')).toBe(false);
  });

  it('thresholds come from the plan', () => {
    const plan = testPlan({ reminders: { dueSoonDays: [10], escalateAfterWorkdays: 1 } });
    // T01 (due 10-12) on 09-27: 8 workdays left (09-27, 09-28, 10-07…10-12), within 10.
    expect(routed(runDeadlines('2023-09-27', { plan }), ['due_soon'])).toEqual([
      `due_soon#T01#${LEAD}#d10 → ${LEAD}`,
      `due_soon#T01-M1#${LEAD}#d10 → ${LEAD}`,
    ]);
    expect(routed(runDeadlines('2023-10-07', { plan }), ['escalation'])).toEqual([`escalation#T01-M1#${LEAD}#2023-10-07 → ${BUREAU}`]);
  });
});

describe('selectNew', () => {
  const options = { calendar, today: '2023-10-11', escalateEveryWorkdays: 3 };
  const candidates = runDeadlines('2023-10-11');
  const lookup = (claimed: string[], escalations: Record<string, string> = {}) => ({
    claimed: new Set(claimed),
    lastEscalation: new Map(Object.entries(escalations)),
  });
  const keysOf = (sel: ReturnType<typeof selectNew>) =>
    [...sel.byRecipient.values()]
      .flat()
      .map((r) => `${r.item.key} [${r.claimKeys.join(' ')}]`)
      .sort();

  it('with nothing claimed: every candidate, due_soon claiming its looser missed threshold too', () => {
    const sel = selectNew(candidates, lookup([]), options);
    expect(keysOf(sel)).toEqual([
      `due_soon#T01#${LEAD}#d3 [due_soon#T01#${LEAD}#d3 due_soon#T01#${LEAD}#d7]`,
      `escalation#T01-M1#${LEAD}#2023-10-11 [escalation#T01-M1#${LEAD}#2023-10-11]`,
      `overdue#T01-M1#${LEAD}#2023-10-11 [overdue#T01-M1#${LEAD}#2023-10-11]`,
    ]);
    expect(sel.skippedAlreadySent).toBe(0);
    expect([...sel.byRecipient.keys()].sort()).toEqual([BUREAU, LEAD].sort());
  });

  it('skips what is claimed; a looser threshold already sent is not claimed again', () => {
    const sel = selectNew(candidates, lookup([`due_soon#T01#${LEAD}#d7`, `overdue#T01-M1#${LEAD}#2023-10-11`]), options);
    expect(keysOf(sel)).toEqual([
      `due_soon#T01#${LEAD}#d3 [due_soon#T01#${LEAD}#d3]`,
      `escalation#T01-M1#${LEAD}#2023-10-11 [escalation#T01-M1#${LEAD}#2023-10-11]`,
    ]);
    expect(sel.skippedAlreadySent).toBe(1);
  });

  it('escalation waits escalateEveryWorkdays workdays after the last one', () => {
    const state = escalationStateKey('T01-M1', LEAD);
    const at = (today: string, last: string) => selectNew(runDeadlines(today), lookup([], { [state]: last }), { ...options, today });
    const escalations = (sel: ReturnType<typeof selectNew>) =>
      (sel.byRecipient.get(BUREAU) ?? []).filter((r) => r.item.kind === 'escalation');
    expect(escalations(at('2023-10-11', '2023-10-09'))).toEqual([]);
    expect(at('2023-10-11', '2023-10-09').escalationsNotDue).toBe(1);
    const due = escalations(at('2023-10-12', '2023-10-09'));
    expect(due.map((r) => r.escalationUpdate)).toEqual([{ item: 'T01-M1', orgId: LEAD, previous: '2023-10-09' }]);
  });
});

describe('bulletin_ready: the previous month’s 通报 is ready, on the first workday of the month', () => {
  const bulletins = (today: string, plan: Plan = realPlan) =>
    reminderCandidates({ plan, today, calendar, units: [], reported: new Set() })
      .filter((c) => c.item.kind === 'bulletin_ready')
      .map((c) => ({ to: c.recipientOrgId, ...c.item, claimKeys: c.claimKeys }));

  it('Monday 2023-07-03, July’s first workday: June’s bulletin to the bureau, with its link, once per month by key', () => {
    expect(bulletins('2023-07-03')).toEqual([
      {
        to: BUREAU,
        key: `bulletin_ready#2023-06#${BUREAU}`,
        kind: 'bulletin_ready',
        title: '2023年6月督查督办通报',
        period: '2023-06',
        link: '/v1/plans/jining-sports-2023/bulletins/2023-06',
        actBy: '2023-07-05',
        claimKeys: [`bulletin_ready#2023-06#${BUREAU}`],
      },
    ]);
  });

  it.each([
    ['2023-07-01', 'Saturday, before July’s first workday: June’s bulletin waits for Monday'],
    ['2023-10-06', 'National Day holiday: October’s first workday is the make-up Saturday 10-07'],
  ])('%s: nothing (%s)', (today) => {
    expect(bulletins(today)).toEqual([]);
  });

  it.each([
    ['2023-10-07', '2023-09', 'the make-up Saturday is October’s first workday'],
    ['2023-07-20', '2023-06', 'a later run in the month makes good a missed first workday (the key keeps it once)'],
    ['2023-06-30', '2023-05', 'June is not over: the month’s notice is still May’s'],
    ['2024-01-02', '2023-12', 'the plan year’s last month, announced after New Year'],
  ])('%s: %s’s bulletin (%s)', (today, period) => {
    expect(bulletins(today).map((b) => b.period)).toEqual([period]);
  });

  it('no month outside the plan’s year, nor one that ended before the plan started', () => {
    expect(bulletins('2024-02-01')).toEqual([]);
    expect(bulletins('2023-01-03')).toEqual([]);
    // The test plan starts on 2023-09-01: August ended before it, September is its first month.
    expect(bulletins('2023-09-04', testPlan())).toEqual([]);
    expect(bulletins('2023-10-09', testPlan()).map((b) => b.period)).toEqual(['2023-09']);
  });
});
