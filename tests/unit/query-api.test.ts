import { describe, expect, it } from 'vitest';
import { cursorCodec } from '../../functions/query-api/cursor.js';
import {
  EventsResponse,
  KpisResponse,
  OverdueResponse,
  PlanResponse,
  RankingsResponse,
  SnapshotsResponse,
  TaskResponse,
} from '../../shared/api/responses.js';
import { PLAN, KEY, TODAY, FakeSnapshots, snapshot, setup, request, json, expectError, P } from '../helpers/query-api.js';

// ---------------------------------------------------------------- routes

describe('GET /v1/plans/{planId}', () => {
  it('answers the plan with every task and its light as of the business clock', async () => {
    const { handler } = setup();
    const res = await handler(request(P));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    const body = PlanResponse.parse(json(res));
    expect(body).toMatchObject({ planId: PLAN, year: 2023, asOf: TODAY });
    expect(body.documentNumber).toMatch(/\S/);
    expect(Array.isArray(body.flags)).toBe(true);
    expect(body.tasks).toHaveLength(27);
    const byId = new Map(body.tasks.map((t) => [t.taskId, t]));
    expect(byId.get('T01')?.status).toBe('done'); // the lead unit reported completed
    expect(byId.get('T02')?.status).toBe('green'); // 60% against ~50% elapsed
    expect(byId.get('T03')?.status).toBe('yellow'); // nothing reported, half the year gone
    // Issue 14 (1): T05-M1 (2023-06-30) and T24-M1 (2023-05-31) are past, but their dates are ours
    // and unconfirmed: yellow at worst (节点日期待确认), never red.
    expect(byId.get('T05')).toMatchObject({
      status: 'yellow',
      reasons: expect.arrayContaining([expect.stringContaining('节点日期待确认')]),
    });
    expect(byId.get('T24')?.status).toBe('yellow');
    expect(byId.get('T10')?.status).toBe('red'); // T10-M1 (5.19) is printed in the notice
    expect(byId.get('T02')?.section).toEqual({ sectionId: 'S1', number: 1, title: expect.any(String) });
    expect(byId.get('T02')).toMatchObject({
      dueDate: '2023-12-31',
      leadOrgIds: ['jn-party-office'],
      supportOrgIds: ['jn-general-office', 'jn-policy-law'],
    });
    expect(body.summary.done + body.summary.green + body.summary.yellow + body.summary.red).toBe(27);
  });

  it('judges the lights as of the clock: the same state is green earlier in the year', async () => {
    const { handler } = setup({ clock: '2023-01-05T02:00:00Z' });
    const body = PlanResponse.parse(json(await handler(request(P))));
    expect(body.asOf).toBe('2023-01-05');
    expect(body.tasks.find((t) => t.taskId === 'T05')?.status).toBe('green');
  });

  it('answers 404 plan_not_found for an unknown plan', async () => {
    const { handler } = setup();
    expectError(await handler(request('/v1/plans/nope-2023')), 404, 'plan_not_found');
    expectError(await handler(request('/v1/plans/nope-2023/kpis')), 404, 'plan_not_found');
  });
});

describe('GET /v1/plans/{planId}/kpis', () => {
  it('answers every KPI with the city figure and the per-unit breakdown', async () => {
    const { handler } = setup();
    const body = KpisResponse.parse(json(await handler(request(`${P}/kpis`))));
    expect(body.asOf).toBe(TODAY);
    const clubs = body.kpis.find((k) => k.kpiId === 'sports-clubs');
    // Latest figure per unit: 370811 last reported 50 (msg 5), 370812 last reported 40 (msg 4).
    expect(clubs).toMatchObject({ taskId: 'T08', value: 90, target: { op: '>=', value: 500 }, progress: 0.18, status: 'yellow' });
    expect(clubs?.byOrg.map((o) => [o.orgId, o.value])).toEqual([
      ['370811', 50],
      ['370812', 40],
    ]);
    expect(clubs?.byOrg[0]?.reportedAt).toBe('2023-06-05T10:00:00+08:00');
    const marathon = body.kpis.find((k) => k.kpiId === 'marathon-held');
    expect(marathon).toMatchObject({ value: 1, status: 'done', aggregation: 'count_held_events' });
    expect(body.kpis.find((k) => k.kpiId === 'sports-associations')?.value).toBeNull();
  });
});

describe('GET /v1/plans/{planId}/tasks/{taskId}', () => {
  it('answers the task with milestones, KPIs, unit statuses and its newest reports', async () => {
    const { handler } = setup();
    const res = await handler(request(`${P}/tasks/T08`));
    expect(res.statusCode).toBe(200);
    const body = TaskResponse.parse(json(res));
    expect(body).toMatchObject({ taskId: 'T08', section: { sectionId: 'S2' }, asOf: TODAY });
    expect(body.text).toMatch(/\S/);
    expect(body.milestones).toEqual([expect.objectContaining({ milestoneId: 'T08-M1', dueDate: '2023-06-30', completed: true })]);
    expect(body.kpis.map((k) => k.kpiId).sort()).toEqual(['sports-associations', 'sports-clubs']);
    const lead = body.byOrg.find((o) => o.orgId === 'jn-mass-sports');
    expect(lead).toMatchObject({ role: 'lead', status: 'in_progress', percentComplete: 50, reportedAt: '2023-06-06T10:00:00+08:00' });
    expect(body.byOrg.find((o) => o.orgId === '370826')).toMatchObject({
      role: 'support',
      status: null,
      percentComplete: null,
      reportedAt: null,
    });
    expect(body.reports.items.map((r) => r.webhookId)).toEqual([
      'msg_t08_lead',
      'msg_t08_5',
      'msg_t08_4',
      'msg_t08_3',
      'msg_t08_2',
      'msg_t08_1',
    ]);
    expect(body.reports.nextCursor).toBeNull();
  });

  it('pages through the reports, newest first, with opaque cursors', async () => {
    const { handler, store } = setup();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await handler(request(`${P}/tasks/T08`, { limit: '4', ...(cursor ? { cursor } : {}) }));
      expect(res.statusCode).toBe(200);
      const body = TaskResponse.parse(json(res));
      expect(body.reports.items.length).toBeLessThanOrEqual(4);
      seen.push(...body.reports.items.map((r) => r.webhookId));
      cursor = body.reports.nextCursor;
      if (cursor) expect(cursor).not.toContain('REPORT#'); // opaque: base64url, not the raw key
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(['msg_t08_lead', 'msg_t08_5', 'msg_t08_4', 'msg_t08_3', 'msg_t08_2', 'msg_t08_1']);
    expect(store.calls.listReports.map((c) => c.limit)).toEqual([4, 4]);
    expect(store.calls.listReports[1]?.startKey).toEqual({ pk: `PLAN#${PLAN}#TASK#T08`, sk: expect.stringContaining('msg_t08_3') });
  });

  it('ends cleanly when the last page is exactly full (DynamoDB still returns a key)', async () => {
    const { handler } = setup();
    const first = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '3' }))));
    const second = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '3', cursor: first.reports.nextCursor! }))));
    expect(second.reports.items.map((r) => r.webhookId)).toEqual(['msg_t08_3', 'msg_t08_2', 'msg_t08_1']);
    const third = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '3', cursor: second.reports.nextCursor! }))));
    expect(third.reports).toEqual({ items: [], nextCursor: null });
  });

  it('rejects a tampered cursor, a cursor of another task, and a cursor signed with another key', async () => {
    const { handler } = setup();
    const first = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '2' }))));
    const cursor = first.reports.nextCursor!;
    const [body, mac] = cursor.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { k: { sk: string } };
    payload.k.sk = 'REPORT#9999';
    const forgedBody = Buffer.from(JSON.stringify(payload)).toString('base64url');
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: `${forgedBody}.${mac}` })), 400, 'invalid_cursor');
    const flipped = `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${mac}`;
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: flipped })), 400, 'invalid_cursor');
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: 'not-a-cursor' })), 400, 'invalid_cursor');
    expectError(await handler(request(`${P}/tasks/T02`, { cursor })), 400, 'invalid_cursor');
    const foreign = cursorCodec('another-key-0123456789abcdef').encode({ v: 1, r: 'reports', p: PLAN, t: 'T08', k: { pk: 'x', sk: 'y' } });
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: foreign })), 400, 'invalid_cursor');
    // Well signed, but an events cursor.
    const wrongKind = cursorCodec(KEY).encode({ v: 1, r: 'events', p: PLAN, f: 'x', o: 2 });
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: wrongKind })), 400, 'invalid_cursor');
  });

  it('answers 404 task_not_found for an unknown task', async () => {
    const { handler, store } = setup();
    expectError(await handler(request(`${P}/tasks/T99`)), 404, 'task_not_found');
    expectError(await handler(request(`${P}/tasks/whatever`)), 404, 'task_not_found');
    expect(store.calls.listReports).toHaveLength(0);
  });

  it('reads the events only for a task with an event-counted KPI', async () => {
    const { handler, store } = setup();
    await handler(request(`${P}/tasks/T08`));
    expect(store.calls.listEvents).toBe(0);
    const body = TaskResponse.parse(json(await handler(request(`${P}/tasks/T13`))));
    expect(store.calls.listEvents).toBe(1);
    expect(body.kpis[0]).toMatchObject({ kpiId: 'marathon-held', value: 1, status: 'done' });
  });

  it('validates limit', async () => {
    const { handler } = setup();
    for (const limit of ['0', '101', 'abc', '-1', '1.5', '2,3']) {
      const err = expectError(await handler(request(`${P}/tasks/T08`, { limit })), 400, 'invalid_query');
      expect(err.issues?.[0]?.path).toBe('limit');
    }
  });
});

describe('GET /v1/plans/{planId}/overdue', () => {
  it('lists tasks and milestones past due and not done, with calendar and working days', async () => {
    const { handler } = setup();
    const body = OverdueResponse.parse(json(await handler(request(`${P}/overdue`, { asOf: '2023-06-26' }))));
    expect(body.asOf).toBe('2023-06-26');
    const t24 = body.items.find((i) => i.milestoneId === 'T24-M1');
    // 2023-05-31 → 2023-06-26: 26 days; 18 weekdays, minus the Dragon Boat holiday (22–23 June),
    // plus the make-up workday Sunday 25 June (调休) = 17 workdays.
    // Its date is ours: listed with dateAssumed, not an alarm.
    expect(t24).toEqual({
      taskId: 'T24',
      milestoneId: 'T24-M1',
      dateAssumed: true,
      title: expect.any(String),
      dueDate: '2023-05-31',
      daysOverdue: 26,
      workdaysOverdue: 17,
      orgIds: ['jn-sports-economy'],
    });
    expect(body.items.find((i) => i.milestoneId === 'T10-M1')?.dateAssumed).toBeUndefined(); // 5.19 is printed
    expect(body.items.some((i) => i.milestoneId === 'T10-M1')).toBe(true);
    // Not yet due on 2023-06-26.
    expect(body.items.some((i) => i.milestoneId === 'T05-M1')).toBe(false);
    // Sorted most overdue first.
    const days = body.items.map((i) => i.daysOverdue);
    expect([...days].sort((a, b) => b - a)).toEqual(days);
  });

  it('defaults to the business date and leaves out done tasks and completed milestones', async () => {
    const { handler, store } = setup();
    const body = OverdueResponse.parse(json(await handler(request(`${P}/overdue`))));
    expect(body.asOf).toBe(TODAY);
    expect(body.items.find((i) => i.milestoneId === 'T05-M1')).toMatchObject({
      taskId: 'T05',
      dueDate: '2023-06-30',
      daysOverdue: 1,
      workdaysOverdue: 0,
      orgIds: ['jn-party-office'],
    });
    expect(body.items.some((i) => i.milestoneId === 'T08-M1')).toBe(false); // the lead reported it complete
    expect(body.items.every((i) => i.milestoneId !== undefined)).toBe(true); // no task is due before 12-31
    // Issue 14 (6): a held event completes T12-M1 and T13-M1, so the overdue list reads the events (once).
    expect(store.calls.listEvents).toBe(1);
  });

  it('lists a task past its due date, without the lead units that completed it', async () => {
    const { handler } = setup();
    const body = OverdueResponse.parse(json(await handler(request(`${P}/overdue`, { asOf: '2024-01-03' }))));
    expect(body.items.some((i) => i.taskId === 'T01')).toBe(false); // done
    expect(body.items.find((i) => i.taskId === 'T02' && i.milestoneId === undefined)).toMatchObject({
      dueDate: '2023-12-31',
      daysOverdue: 3,
      orgIds: ['jn-party-office'],
    });
  });

  it('rejects a bad asOf', async () => {
    const { handler } = setup();
    for (const asOf of ['2023-02-30', '20230601', 'today']) {
      const err = expectError(await handler(request(`${P}/overdue`, { asOf })), 400, 'invalid_query');
      expect(err.issues).toEqual([{ path: 'asOf', message: expect.any(String) }]);
    }
  });

  it('refuses an asOf beyond the plan’s year ± 1 at once (9999-12-31 used to walk the calendar for 15 s and answer 500)', async () => {
    const { handler, store } = setup();
    for (const asOf of ['9999-12-31', '2025-01-01', '2021-12-31']) {
      const err = expectError(await handler(request(`${P}/overdue`, { asOf })), 400, 'invalid_query');
      expect(err.issues).toEqual([{ path: 'asOf', message: "a date from 2022-01-01 to 2024-12-31 (the plan's year ± 1)" }]);
    }
    expect(store.calls.loadPlanState).toBe(0);
    for (const asOf of ['2022-01-01', '2024-12-31']) expect((await handler(request(`${P}/overdue`, { asOf }))).statusCode).toBe(200);
  });

  it('holds every date parameter to the plan’s span: events and snapshots from/to', async () => {
    const { handler } = setup();
    const err = expectError(await handler(request(`${P}/events`, { from: '0001-01-01', to: '9999-12-31' })), 400, 'invalid_query');
    expect(err.issues?.map((i) => i.path)).toEqual(['from', 'to']);
    expectError(await handler(request(`${P}/snapshots`, { to: '2030-01-01' })), 400, 'invalid_query');
  });
});

describe('GET /v1/plans/{planId}/rankings', () => {
  it('ranks units by the share of their items green or done', async () => {
    const { handler } = setup();
    const body = RankingsResponse.parse(json(await handler(request(`${P}/rankings`))));
    expect(body.asOf).toBe(TODAY);
    expect(body.orgs.length).toBeGreaterThan(10);
    const ranks = body.orgs.map((o) => o.rank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(body.orgs[0]?.rank).toBe(1);
    const party = body.orgs.find((o) => o.orgId === 'jn-party-office');
    // T01 done, T02 green, T03/T04 yellow, T05 yellow: its milestone's date is assumed (issue 14 (1)).
    expect(party).toMatchObject({ name: expect.any(String), items: 5, done: 1, green: 1, yellow: 3, red: 0, overdue: 0, score: 0.4 });
    for (const o of body.orgs) expect(o.green + o.yellow + o.red + o.done).toBe(o.items);
  });
});

describe('GET /v1/plans/{planId}/events', () => {
  it('lists every event, latest start first', async () => {
    const { handler } = setup();
    const body = EventsResponse.parse(json(await handler(request(`${P}/events`))));
    expect(body.items.map((e) => e.eventId)).toEqual(['e4', 'e2', 'marathon', 'e3', 'e5']);
    expect(body.nextCursor).toBeNull();
  });

  it('filters by unit, status, category, task and start-date range', async () => {
    const { handler } = setup();
    const ids = async (q: Record<string, string>) =>
      EventsResponse.parse(json(await handler(request(`${P}/events`, q)))).items.map((e) => e.eventId);
    expect(await ids({ orgId: '370811' })).toEqual(['e2', 'e3', 'e5']);
    expect(await ids({ status: 'held' })).toEqual(['e4', 'marathon', 'e3']);
    expect(await ids({ orgId: '370811', status: 'held' })).toEqual(['e3']);
    expect(await ids({ category: 'series' })).toEqual(['e2', 'e3']);
    expect(await ids({ taskId: 'T14' })).toEqual(['e2', 'e3']);
    expect(await ids({ from: '2023-03-01', to: '2023-05-01' })).toEqual(['e2', 'marathon', 'e3']);
    expect(await ids({ from: '2023-07-01' })).toEqual([]);
  });

  it('pages over more than one page with a signed offset cursor bound to the filters', async () => {
    const { handler } = setup();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = EventsResponse.parse(json(await handler(request(`${P}/events`, { limit: '2', ...(cursor ? { cursor } : {}) }))));
      seen.push(...body.items.map((e) => e.eventId));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['e4', 'e2', 'marathon', 'e3', 'e5']);

    const first = EventsResponse.parse(json(await handler(request(`${P}/events`, { limit: '2' }))));
    // The same cursor with other filters is refused rather than silently skipping items.
    expectError(await handler(request(`${P}/events`, { limit: '2', status: 'held', cursor: first.nextCursor! })), 400, 'invalid_cursor');
    const [body, mac] = first.nextCursor!.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { o: number };
    payload.o = 0;
    expectError(
      await handler(request(`${P}/events`, { cursor: `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}` })),
      400,
      'invalid_cursor',
    );
  });

  it('rejects bad filters and unknown parameters', async () => {
    const { handler } = setup();
    const bad = async (q: Record<string, string>, path: string) => {
      const err = expectError(await handler(request(`${P}/events`, q)), 400, 'invalid_query');
      expect(err.issues?.map((i) => i.path)).toContain(path);
    };
    await bad({ status: 'done' }, 'status');
    await bad({ orgId: 'A B' }, 'orgId');
    await bad({ from: '2023-13-01' }, 'from');
    await bad({ from: '2023-06-01', to: '2023-05-01' }, 'from');
    await bad({ limit: '201' }, 'limit');
    await bad({ page: '2' }, 'page');
    await bad({ status: 'held,planned' }, 'status'); // a repeated parameter, joined by API Gateway
  });
});

describe('GET /v1/plans/{planId}/snapshots', () => {
  const snaps = new FakeSnapshots(['2023-05-01', '2023-06-01', '2023-06-15', '2023-06-30', '2023-07-01'].map(snapshot));

  it('answers the last 31 days up to today by default, oldest first', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    const body = SnapshotsResponse.parse(json(await handler(request(`${P}/snapshots`))));
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-06-01', to: TODAY });
    expect(body).toMatchObject({ from: '2023-06-01', to: TODAY });
    expect(body.items.map((s) => s.date)).toEqual(['2023-06-01', '2023-06-15', '2023-06-30', '2023-07-01']);
    const first = body.items[0]!;
    expect(first.kpis).toContainEqual({ kpiId: 'sports-clubs', value: null, progress: null, status: expect.any(String) });
    expect(first.tasks).toHaveLength(27);
    expect(first.summary.green + first.summary.yellow + first.summary.red + first.summary.done).toBe(27);
  });

  it('answers an explicit range', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    const body = SnapshotsResponse.parse(json(await handler(request(`${P}/snapshots`, { from: '2023-05-01', to: '2023-06-01' }))));
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-05-01', to: '2023-06-01' });
    expect(body.items.map((s) => s.date)).toEqual(['2023-05-01', '2023-06-01']);
  });

  it('caps the range at 366 days and rejects from after to', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    const ok = await handler(request(`${P}/snapshots`, { from: '2023-01-01', to: '2024-01-01' })); // 366 days
    expect(ok.statusCode).toBe(200);
    const err = expectError(await handler(request(`${P}/snapshots`, { from: '2023-01-01', to: '2024-01-02' })), 400, 'invalid_query');
    expect(err.issues?.[0]?.path).toBe('to');
    expectError(await handler(request(`${P}/snapshots`, { from: '2023-06-02', to: '2023-06-01' })), 400, 'invalid_query');
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-01-01', to: '2024-01-01' });
  });

  it('with only from, reads up to today', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    await handler(request(`${P}/snapshots`, { from: '2023-06-20' }));
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-06-20', to: TODAY });
  });
});
