import { describe, expect, it } from 'vitest';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import type { UnitTaskRecord } from '../../shared/ports/state.js';
import { currentPeriods, reminderCandidates, reportedKey, type ReminderCandidate } from '../../shared/reminders/policy.js';
import { selectNew } from '../../shared/reminders/select.js';
import { escalationStateKey } from '../../shared/reminders/keys.js';
import { BUREAU, LEAD, LEAD_2, SUPPORT, testPlan } from './reminders.fakes.js';

const calendar = chineseWorkdayCalendar();

function unit(u: Partial<UnitTaskRecord> & Pick<UnitTaskRecord, 'taskId' | 'orgId' | 'status'>): UnitTaskRecord {
  return { reportedAt: '2023-09-20T02:00:00Z', webhookId: 'wh', period: '2023-09', completedMilestoneIds: [], ...u };
}

function run(today: string, options: { units?: UnitTaskRecord[]; reported?: string[]; plan?: ReturnType<typeof testPlan> } = {}) {
  return reminderCandidates({
    plan: options.plan ?? testPlan(),
    today,
    calendar,
    units: options.units ?? [],
    reported: new Set(options.reported ?? []),
  });
}

/** `key → recipient` of the candidates of some kinds, sorted. */
function routed(candidates: ReminderCandidate[], kinds: string[]): string[] {
  return candidates
    .filter((c) => kinds.includes(c.item.kind))
    .map((c) => `${c.item.key} → ${c.recipientOrgId}`)
    .sort();
}

describe('reminder candidates across the 2023 National Day holiday and New Year 2024', () => {
  // T01 due 2023-10-12 (d7 = 10-05 in the holiday, d3 = 10-09, d1 = 10-11); T01-M1 due Thu 2023-09-28;
  // T02 due 2024-01-03, T02-M1 due Fri 2023-12-29. Holiday 09-29…10-06, make-up workdays Sat 10-07, Sun 10-08.
  const cases: Array<{ today: string; why: string; expected: string[] }> = [
    { today: '2023-09-21', why: 'T01-M1 7 days ahead: d7 only', expected: [`due_soon#T01-M1#${LEAD}#d7 → ${LEAD}`] },
    { today: '2023-09-27', why: 'T01-M1 due tomorrow: the tightest threshold d1', expected: [`due_soon#T01-M1#${LEAD}#d1 → ${LEAD}`] },
    { today: '2023-09-28', why: 'the due date itself: neither due soon nor overdue', expected: [] },
    {
      today: '2023-10-07',
      why: 'make-up Saturday: T01-M1 1 workday overdue; T01 d7 (passed in the holiday) now',
      expected: [`due_soon#T01#${LEAD}#d7 → ${LEAD}`, `overdue#T01-M1#${LEAD}#2023-10-07 → ${LEAD}`],
    },
    {
      today: '2023-10-08',
      why: 'make-up Sunday: 2 workdays overdue, no escalation yet',
      expected: [`due_soon#T01#${LEAD}#d7 → ${LEAD}`, `overdue#T01-M1#${LEAD}#2023-10-08 → ${LEAD}`],
    },
    {
      today: '2023-10-09',
      why: '3 workdays overdue (10-07, 10-08, 10-09): escalation to the supervisor',
      expected: [
        `due_soon#T01#${LEAD}#d3 → ${LEAD}`,
        `escalation#T01-M1#${LEAD}#2023-10-09 → ${BUREAU}`,
        `overdue#T01-M1#${LEAD}#2023-10-09 → ${LEAD}`,
      ],
    },
    {
      today: '2023-10-13',
      why: 'T01 1 day overdue (not yet escalated), T01-M1 still escalated',
      expected: [
        `escalation#T01-M1#${LEAD}#2023-10-13 → ${BUREAU}`,
        `overdue#T01#${LEAD}#2023-10-13 → ${LEAD}`,
        `overdue#T01-M1#${LEAD}#2023-10-13 → ${LEAD}`,
      ],
    },
    {
      today: '2023-12-27',
      why: 'T02 and T02-M1 within 7 days',
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
      why: 'first workday of 2024: T02-M1 1 workday overdue (12-30…01-01 off); T02 due tomorrow',
      expected: [
        `due_soon#T02#${LEAD_2}#d1 → ${LEAD_2}`,
        `escalation#T01#${LEAD}#2024-01-02 → ${BUREAU}`,
        `escalation#T01-M1#${LEAD}#2024-01-02 → ${BUREAU}`,
        `overdue#T01#${LEAD}#2024-01-02 → ${LEAD}`,
        `overdue#T01-M1#${LEAD}#2024-01-02 → ${LEAD}`,
        `overdue#T02-M1#${LEAD_2}#2024-01-02 → ${LEAD_2}`,
      ],
    },
    {
      today: '2024-01-04',
      why: 'T02-M1 3 workdays overdue (01-02, 01-03, 01-04): escalated; T02 1 day overdue',
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
    expect(routed(run(today), ['due_soon', 'overdue', 'escalation'])).toEqual(expected);
  });

  it('counts days and workdays overdue across the holiday and the make-up weekend', () => {
    const overdue = run('2023-10-09').find((c) => c.item.kind === 'escalation');
    expect(overdue?.item).toMatchObject({ taskId: 'T01', milestoneId: 'T01-M1', subjectOrgId: LEAD, daysOverdue: 11, workdaysOverdue: 3, dueDate: '2023-09-28' });
    expect(overdue?.escalation).toEqual({ item: 'T01-M1', orgId: LEAD });
  });

  it('due_soon claims every pending threshold, tightest first', () => {
    const c = run('2023-10-09').find((x) => x.item.kind === 'due_soon');
    expect(c?.item.daysLeft).toBe(3);
    expect(c?.claimKeys).toEqual([`due_soon#T01#${LEAD}#d3`, `due_soon#T01#${LEAD}#d7`]);
  });
});

describe('report_missing (催报)', () => {
  const cases: Array<{ today: string; reported?: string[]; why: string; expected: string[] }> = [
    { today: '2023-09-22', why: 'before the due day (25th)', expected: [] },
    {
      today: '2023-09-25',
      why: 'on the due day: monthly 2023-09 and quarterly 2023-Q3',
      expected: [`report_missing#T01#${LEAD}#2023-09 → ${LEAD}`, `report_missing#T02#${LEAD_2}#2023-Q3 → ${LEAD_2}`],
    },
    {
      today: '2023-09-26',
      reported: [reportedKey('2023-09', 'T01', LEAD)],
      why: 'a unit that reported for the period is not chased',
      expected: [`report_missing#T02#${LEAD_2}#2023-Q3 → ${LEAD_2}`],
    },
    { today: '2023-10-25', why: "T01's 2023-10 report falls after its due date (10-12); T02's Q4 is due 12-25", expected: [] },
    { today: '2023-12-25', why: 'Q4 due day', expected: [`report_missing#T02#${LEAD_2}#2023-Q4 → ${LEAD_2}`] },
    { today: '2024-03-25', why: 'periods outside the plan year are not chased', expected: [] },
  ];

  it.each(cases)('$today: $why', ({ today, reported, expected }) => {
    const candidates = run(today, { reported: reported ?? [] });
    expect(routed(candidates, ['report_missing'])).toEqual(expected);
    for (const c of candidates.filter((x) => x.item.kind === 'report_missing')) expect(c.item.period).toBeDefined();
  });

  it('names the periods the plan needs today', () => {
    expect(currentPeriods(testPlan(), '2023-11-07')).toEqual(['2023-11', '2023-Q4']);
  });
});

describe('stagnant', () => {
  // 2023-09-04T17:00Z is 2023-09-05 01:00 in Shanghai: the report's business date is 09-05.
  const inProgress = [unit({ taskId: 'T01', orgId: LEAD, status: 'in_progress', reportedAt: '2023-09-04T17:00:00Z' })];

  const cases: Array<{ today: string; status: UnitTaskRecord['status']; expected: string[] }> = [
    { today: '2023-10-04', status: 'in_progress', expected: [] },
    { today: '2023-10-05', status: 'in_progress', expected: [`stagnant#T01#${LEAD}#2023-09-05 → ${LEAD}`] },
    { today: '2023-10-09', status: 'in_progress', expected: [`stagnant#T01#${LEAD}#2023-09-05 → ${LEAD}`] },
    { today: '2023-10-09', status: 'not_started', expected: [] },
    { today: '2023-10-09', status: 'blocked', expected: [] },
  ];

  it.each(cases)('$today with latest status $status', ({ today, status, expected }) => {
    const units = inProgress.map((u) => ({ ...u, status }));
    expect(routed(run(today, { units }), ['stagnant'])).toEqual(expected);
  });
});

describe('nothing for done items', () => {
  it('a done task (every lead completed) has no reminder of any kind, its milestones included', () => {
    const plan = testPlan({ reminders: { includeSupportOrgs: true } });
    const candidates = run('2023-10-13', { plan, units: [unit({ taskId: 'T01', orgId: LEAD, status: 'completed' })] });
    expect(candidates.filter((c) => c.item.taskId === 'T01')).toEqual([]);
  });

  it('a milestone a lead unit reported complete has no reminder; its task still has', () => {
    const candidates = run('2023-10-13', { units: [unit({ taskId: 'T01', orgId: LEAD, status: 'in_progress', completedMilestoneIds: ['T01-M1'] })] });
    expect(candidates.some((c) => c.item.milestoneId === 'T01-M1')).toBe(false);
    expect(routed(candidates, ['overdue'])).toEqual([`overdue#T01#${LEAD}#2023-10-13 → ${LEAD}`]);
  });

  it('a lead unit that completed its part gets nothing while the other lead is chased', () => {
    const base = testPlan();
    const plan = testPlan({ tasks: base.tasks.map((t) => (t.taskId === 'T01' ? { ...t, leadOrgIds: [LEAD, LEAD_2] } : t)) });
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
    const withSupport = run('2023-10-13', { plan: testPlan({ reminders: { includeSupportOrgs: true } }) });
    expect(routed(withSupport.filter((c) => c.recipientOrgId === SUPPORT || c.item.subjectOrgId === SUPPORT), ['overdue', 'escalation'])).toEqual([
      `escalation#T01-M1#${SUPPORT}#2023-10-13 → ${BUREAU}`,
      `overdue#T01#${SUPPORT}#2023-10-13 → ${SUPPORT}`,
      `overdue#T01-M1#${SUPPORT}#2023-10-13 → ${SUPPORT}`,
    ]);
  });

  it('no escalation for a unit without a supervisor (the bureau itself)', () => {
    const base = testPlan();
    const plan = testPlan({ tasks: base.tasks.map((t) => (t.taskId === 'T01' ? { ...t, leadOrgIds: [BUREAU], supportOrgIds: [] } : t)) });
    const candidates = run('2023-10-13', { plan });
    expect(candidates.some((c) => c.item.kind === 'overdue' && c.recipientOrgId === BUREAU)).toBe(true);
    expect(candidates.some((c) => c.item.kind === 'escalation' && c.item.taskId === 'T01')).toBe(false);
  });

  it('thresholds come from the plan', () => {
    const plan = testPlan({ reminders: { dueSoonDays: [10], escalateAfterWorkdays: 1 } });
    const candidates = run('2023-10-07', { plan });
    expect(routed(candidates, ['due_soon', 'escalation'])).toEqual([`due_soon#T01#${LEAD}#d10 → ${LEAD}`, `escalation#T01-M1#${LEAD}#2023-10-07 → ${BUREAU}`]);
  });
});

describe('selectNew', () => {
  const options = { calendar, today: '2023-10-09', escalateEveryWorkdays: 3 };
  const candidates = run('2023-10-09');
  const lookup = (claimed: string[], escalations: Record<string, string> = {}) => ({ claimed: new Set(claimed), lastEscalation: new Map(Object.entries(escalations)) });
  const keysOf = (sel: ReturnType<typeof selectNew>) => [...sel.byRecipient.values()].flat().map((r) => `${r.item.key} [${r.claimKeys.join(' ')}]`).sort();

  it('with nothing claimed: every candidate, due_soon claiming its looser missed threshold too', () => {
    const sel = selectNew(candidates, lookup([]), options);
    expect(keysOf(sel)).toEqual([
      `due_soon#T01#${LEAD}#d3 [due_soon#T01#${LEAD}#d3 due_soon#T01#${LEAD}#d7]`,
      `escalation#T01-M1#${LEAD}#2023-10-09 [escalation#T01-M1#${LEAD}#2023-10-09]`,
      `overdue#T01-M1#${LEAD}#2023-10-09 [overdue#T01-M1#${LEAD}#2023-10-09]`,
    ]);
    expect(sel.skippedAlreadySent).toBe(0);
    expect([...sel.byRecipient.keys()].sort()).toEqual([BUREAU, LEAD].sort());
  });

  it('skips what is claimed; a looser threshold already sent is not claimed again', () => {
    const sel = selectNew(candidates, lookup([`due_soon#T01#${LEAD}#d7`, `overdue#T01-M1#${LEAD}#2023-10-09`]), options);
    expect(keysOf(sel)).toEqual([`due_soon#T01#${LEAD}#d3 [due_soon#T01#${LEAD}#d3]`, `escalation#T01-M1#${LEAD}#2023-10-09 [escalation#T01-M1#${LEAD}#2023-10-09]`]);
    expect(sel.skippedAlreadySent).toBe(1);
  });

  it('escalation waits escalateEveryWorkdays workdays after the last one', () => {
    const state = escalationStateKey('T01-M1', LEAD);
    const at = (today: string, last: string) => selectNew(run(today), lookup([], { [state]: last }), { ...options, today });
    const escalations = (sel: ReturnType<typeof selectNew>) => (sel.byRecipient.get(BUREAU) ?? []).filter((r) => r.item.kind === 'escalation');
    expect(escalations(at('2023-10-11', '2023-10-09'))).toEqual([]);
    expect(at('2023-10-11', '2023-10-09').escalationsNotDue).toBe(1);
    const due = escalations(at('2023-10-12', '2023-10-09'));
    expect(due.map((r) => r.escalationUpdate)).toEqual([{ item: 'T01-M1', orgId: LEAD, previous: '2023-10-09' }]);
  });
});
