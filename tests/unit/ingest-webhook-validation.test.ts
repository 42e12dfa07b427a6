import { describe, expect, it } from 'vitest';
import { planAmender } from '../../shared/plan/amender.js';
import type { WebhookSource } from '../../shared/ingest/sources.js';
import { responseJson, sampleBody, signedEvent, source } from '../helpers/webhooks.js';
import { RECEIVED_AT, SECRET, T08, setup, edit, pinDateToNow } from '../helpers/ingest-webhook.js';

pinDateToNow();

describe('400: malformed JSON, unknown type, schema violations (every path)', () => {
  it.each([
    ['not JSON at all', 'this is not json', 'malformed_json'],
    ['truncated JSON', T08.slice(0, 100), 'malformed_json'],
    ['an empty body', '', 'malformed_json'],
    ['a JSON array', '[]', 'invalid_body'],
    ['a JSON string', '"progress.submitted"', 'invalid_body'],
    ['JSON null', 'null', 'invalid_body'],
  ])('%s → 400 %s, nothing claimed or published', async (_name, body, code) => {
    const { handler, bus, intake } = setup();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_bad' }));
    expect(res.statusCode).toBe(400);
    expect(responseJson(res).error?.code).toBe(code);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
  });

  it.each([['event.updated'], [null], [42], ['PROGRESS.SUBMITTED']])('type %j → 400 unknown_type with the path "type"', async (type) => {
    const { handler, bus } = setup();
    const body = edit(T08, (j) => {
      (j as { type: unknown }).type = type;
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_type' }));
    expect(res.statusCode).toBe(400);
    const error = responseJson(res).error!;
    expect(error.code).toBe('unknown_type');
    expect(error.issues).toEqual([{ path: 'type', message: expect.any(String) }]);
    expect(bus.events).toHaveLength(0);
  });

  it('a missing type → 400 unknown_type', async () => {
    const { handler } = setup();
    const body = edit(T08, (j) => {
      delete (j as { type?: string }).type;
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_type' }));
    expect(res.statusCode).toBe(400);
    expect(responseJson(res).error?.code).toBe('unknown_type');
  });

  const expected = JSON.parse(sampleBody('invalid/expected.json')) as Record<
    string,
    { reason: string; issues: Array<{ path: Array<string | number> }> }
  >;
  const schemaCases = Object.entries(expected).filter(([file]) => file !== 'unknown-type.json');
  it.each(schemaCases)('invalid sample %s → 400 with every violation and its path', async (file, want) => {
    const body = sampleBody(`invalid/${file}`);
    const orgId = (JSON.parse(body) as { data?: { orgId?: string } }).data?.orgId ?? '370811';
    const { handler, bus, intake } = setup({ sources: [source({ sourceId: 'city', orgIds: [orgId], secrets: [SECRET] })] });
    const res = await handler(signedEvent({ sourceId: 'city', body, secrets: SECRET, id: 'msg_invalid' }));
    expect(res.statusCode).toBe(400);
    const error = responseJson(res).error!;
    expect(error.code).toBe('invalid_body');
    expect(error.issues?.map((i) => i.path).sort()).toEqual(want.issues.map((i) => i.path.join('.')).sort());
    for (const issue of error.issues ?? []) expect(issue.message).not.toBe('');
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
  });

  it('the unknown-type sample → 400 unknown_type', async () => {
    const { handler } = setup({ sources: [source({ sourceId: 'city', orgIds: ['jn-mass-sports'], secrets: [SECRET] })] });
    const res = await handler(
      signedEvent({ sourceId: 'city', body: sampleBody('invalid/unknown-type.json'), secrets: SECRET, id: 'msg_u' }),
    );
    expect(res.statusCode).toBe(400);
    expect(responseJson(res).error?.code).toBe('unknown_type');
  });

  it('several violations in one body are all reported', async () => {
    const { handler } = setup();
    const body = edit(T08, (j) => {
      j.data.period = '2023-13';
      j.data.status = 'done';
      j.data.percentComplete = -1;
      (j.data.metrics as Array<{ value: unknown }>)[1]!.value = Number.MAX_VALUE * -1;
      (j.data.evidence as Array<{ url: string }>)[0]!.url = 'http://example.gov.cn/a.pdf';
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_many' }));
    expect(res.statusCode).toBe(400);
    expect(
      responseJson(res)
        .error?.issues?.map((i) => i.path)
        .sort(),
    ).toEqual(['data.evidence.0.url', 'data.metrics.1.value', 'data.percentComplete', 'data.period', 'data.status']);
  });
});

describe('422: the message names what the plan does not have', () => {
  async function unknownReference(body: string, sourceOverrides: Partial<WebhookSource> = {}, receivedAt?: string) {
    const { handler, bus, intake } = setup({ receivedAt, sources: [source({ secrets: [SECRET], ...sourceOverrides })] });
    const res = await handler(signedEvent({ sourceId: sourceOverrides.sourceId ?? 'rencheng', body, secrets: SECRET, id: 'msg_422' }));
    expect(res.statusCode).toBe(422);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
    const error = responseJson(res).error!;
    expect(error.code).toBe('unknown_reference');
    return error.issues!;
  }

  it('unknown plan', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.planId = 'jining-sports-2022';
      }),
    );
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.planId', message: expect.stringContaining('jining-sports-2022') }]);
  });

  it('unknown task', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.taskId = 'T99';
      }),
    );
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.taskId', message: expect.stringContaining('T99') }]);
  });

  it('a KPI that is not the task’s, and a KPI counted from events, each with its path', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.metrics = [
          { kpiId: 'sports-clubs', value: 48 },
          { kpiId: 'lottery-sales', value: 1 },
          { kpiId: 'marathon-held', value: 1 },
        ];
      }),
    );
    expect(issues).toEqual([
      { code: 'unknown_reference', path: 'data.metrics.1.kpiId', message: expect.stringContaining('lottery-sales') },
      { code: 'unknown_reference', path: 'data.metrics.2.kpiId', message: expect.stringContaining('marathon-held') },
    ]);
  });

  it('a KPI counted from registered events, reported on its own task (T13 marathon-held)', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.taskId = 'T13';
        j.data.orgId = 'jn-mass-sports';
        j.data.metrics = [{ kpiId: 'marathon-held', value: 1 }];
      }),
      { orgIds: ['jn-mass-sports'] },
    );
    expect(issues).toEqual([
      { code: 'unknown_reference', path: 'data.metrics.0.kpiId', message: expect.stringContaining('event.registered') },
    ]);
  });

  it('a milestone of another task', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.completedMilestoneIds = ['T08-M1', 'T10-M1'];
      }),
    );
    expect(issues).toEqual([
      { code: 'unknown_reference', path: 'data.completedMilestoneIds.1', message: expect.stringContaining('T10-M1') },
    ]);
  });

  it('an unknown taskIds entry of a sports event', async () => {
    const body = edit(sampleBody('valid/event-marathon-2023-held.json'), (j) => {
      j.data.taskIds = ['T13', 'T99'];
    });
    const issues = await unknownReference(body, { sourceId: 'mass-sports', orgIds: ['jn-mass-sports'] }, '2023-10-30T10:00:00.000Z');
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.taskIds.1', message: expect.stringContaining('T99') }]);
  });
});

describe('integrity: a well-formed but wrong message is refused before anything is stored', () => {
  async function refused(body: string, options: { status?: number; sourceId?: string; orgIds?: string[]; receivedAt?: string } = {}) {
    const sourceId = options.sourceId ?? 'rencheng';
    const { handler, bus, intake } = setup({
      receivedAt: options.receivedAt,
      sources: [source({ sourceId, secrets: [SECRET], ...(options.orgIds ? { orgIds: options.orgIds } : {}) })],
    });
    const res = await handler(signedEvent({ sourceId, body, secrets: SECRET, id: 'msg_integrity' }));
    expect(res.statusCode).toBe(options.status ?? 422);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
    return responseJson(res).error! as { code: string; issues: Array<{ code?: string; path: string; message: string }> };
  }
  const withData = (patch: Record<string, unknown>, base = T08) =>
    edit(base, (j) => {
      Object.assign(j.data, patch);
    });

  it('a report dated in the future (2099) → 422 time_out_of_range at data.reportedAt', async () => {
    const error = await refused(withData({ reportedAt: '2099-01-01T00:00:00Z' }));
    expect(error.code).toBe('time_out_of_range');
    expect(error.issues.map((i) => i.path)).toEqual(['data.reportedAt']);
  });

  it('local time mislabelled Z (10:00 Beijing sent as 10:00Z, received 02:20Z) → 422', async () => {
    const error = await refused(withData({ reportedAt: '2023-06-25T10:00:00Z' }));
    expect(error.issues).toEqual([
      { code: 'time_out_of_range', path: 'data.reportedAt', message: expect.stringContaining('later than the time of receipt') },
    ]);
  });

  it('an envelope timestamp in the future → 422 at timestamp', async () => {
    const body = edit(T08, (j) => {
      j.timestamp = '2023-06-25T10:30:00+08:00';
    });
    const error = await refused(body);
    expect(error.issues.map((i) => [i.code, i.path])).toEqual([['time_out_of_range', 'timestamp']]);
  });

  it('a sender clock up to 5 minutes ahead is tolerated; 5 minutes and a second is not', async () => {
    const ahead = (ms: number) => new Date(Date.parse(RECEIVED_AT) + ms).toISOString();
    const { handler } = setup();
    const ok = await handler(
      signedEvent({ sourceId: 'rencheng', body: withData({ reportedAt: ahead(5 * 60_000) }), secrets: SECRET, id: 'msg_skew_ok' }),
    );
    expect(ok.statusCode).toBe(202);
    const late = await refused(withData({ reportedAt: ahead(5 * 60_000 + 1000) }));
    expect(late.code).toBe('time_out_of_range');
  });

  it('an absurd UTC offset (+23:59) is a contract violation → 400 at data.reportedAt', async () => {
    const error = await refused(withData({ reportedAt: '2023-06-24T10:00:00+23:59' }), { status: 400 });
    expect(error.code).toBe('invalid_body');
    expect(error.issues.map((i) => i.path)).toContain('data.reportedAt');
  });

  it('a report from outside the plan’s years ± 1 → 422', async () => {
    const error = await refused(withData({ reportedAt: '2021-06-25T10:00:00+08:00' }));
    expect(error.issues).toEqual([{ code: 'time_out_of_range', path: 'data.reportedAt', message: expect.stringContaining('2022–2024') }]);
  });

  it.each([
    ['2023-12', 'a June report for December (it would silence December’s 催报)', 'has not begun'],
    ['2023-07', 'a June report for July', 'has not begun'],
    ['2023-Q2', 'a quarter for a monthly task (T08)', 'monthly'],
    ['2022-06', 'a period of another year', "plan's year"],
  ])('period %s: %s → 422 invalid_period at data.period', async (period, _what, says) => {
    const error = await refused(withData({ period }));
    expect(error.code).toBe('invalid_period');
    expect(error.issues).toEqual([{ code: 'invalid_period', path: 'data.period', message: expect.stringContaining(says) }]);
  });

  it('a period that began earlier the same year is accepted (a late May report sent in June)', async () => {
    const { handler, bus } = setup();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: withData({ period: '2023-05' }), secrets: SECRET, id: 'msg_may' }));
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('a unit not assigned to the task (高新区 on T17, the 11 counties’ 8421) → 422 unit_not_assigned at data.orgId', async () => {
    const body = withData({ taskId: 'T17', orgId: 'jn-zone-gaoxin', metrics: [{ kpiId: '8421-primary-schools', value: 500 }] });
    const error = await refused(body, { orgIds: ['jn-zone-gaoxin'] });
    expect(error.code).toBe('unit_not_assigned');
    expect(error.issues).toEqual([
      { code: 'unit_not_assigned', path: 'data.orgId', message: 'jn-zone-gaoxin is not a lead or support unit of T17' },
    ]);
  });

  it('a unit of the task reporting a KPI that only other units report (the lead office on a county quota) → 422 at the metric', async () => {
    const body = withData({ taskId: 'T17', orgId: 'jn-youth-sports', metrics: [{ kpiId: '8421-primary-schools', value: 88 }] });
    const error = await refused(body, { orgIds: ['jn-youth-sports'] });
    expect(error.issues).toEqual([
      { code: 'unit_not_assigned', path: 'data.metrics.0.kpiId', message: '8421-primary-schools is not reported by jn-youth-sports' },
    ]);
  });

  it('an event linked to a task of another unit → 422 unit_not_assigned at data.taskIds.n', async () => {
    const body = edit(sampleBody('valid/event-marathon-2023-held.json'), (j) => {
      j.data.taskIds = ['T13', 'T22'];
    });
    const error = await refused(body, { sourceId: 'mass-sports', orgIds: ['jn-mass-sports'], receivedAt: '2023-10-30T10:00:00.000Z' });
    expect(error.issues).toEqual([{ code: 'unit_not_assigned', path: 'data.taskIds.1', message: 'T22 is not a task of jn-mass-sports' }]);
  });

  it.each([[0], [2.5]])('a rank KPI reported as %s → 400 at the value (a rank is a whole number from 1)', async (value) => {
    const body = withData({ taskId: 'T07', orgId: 'jn-mass-sports', metrics: [{ kpiId: 'venue-subsidy-rank', value }] });
    const error = await refused(body, { status: 400, orgIds: ['jn-mass-sports'] });
    expect(error.code).toBe('invalid_body');
    expect(error.issues).toEqual([{ code: 'invalid_value', path: 'data.metrics.0.value', message: expect.stringContaining('rank') }]);
  });

  // Issue 15: `completed` is a completion claim (申请办结) the office reviews against its evidence.
  it('a completion claim without evidence → 422 evidence_required at data.evidence; with evidence → 202', async () => {
    const error = await refused(withData({ status: 'completed', evidence: [] }));
    expect(error.code).toBe('evidence_required');
    expect(error.issues).toEqual([{ code: 'evidence_required', path: 'data.evidence', message: expect.stringContaining('佐证材料') }]);
    // The field left out (it defaults to none) is the same claim without evidence.
    const omitted = edit(T08, (j) => {
      j.data.status = 'completed';
      delete j.data.evidence;
    });
    expect((await refused(omitted)).code).toBe('evidence_required');
    // Other statuses need none.
    const { handler } = setup();
    expect(
      (
        await handler(
          signedEvent({
            sourceId: 'rencheng',
            body: withData({ status: 'in_progress', evidence: [] }),
            secrets: SECRET,
            id: 'msg_no_evidence',
          }),
        )
      ).statusCode,
    ).toBe(202);
    expect(
      (await handler(signedEvent({ sourceId: 'rencheng', body: withData({ status: 'completed' }), secrets: SECRET, id: 'msg_claim' })))
        .statusCode,
    ).toBe(202);
  });

  // Issue 15: the unit checks follow the plan as amended on the day of receipt.
  it('a unit assigned to a task by an amendment may report on it from its effective day; before, 422', async () => {
    const body = withData({ taskId: 'T01', period: '2023-Q2', metrics: [] });
    expect((await refused(body)).code).toBe('unit_not_assigned');
    const amendment = {
      planId: 'jining-sports-2023',
      version: 2,
      effectiveFrom: RECEIVED_AT.slice(0, 10),
      reason: '增加任城区为配合单位',
      changes: [{ op: 'assign_units' as const, taskId: 'T01', supportOrgIds: ['370811'] }],
      amendedAt: RECEIVED_AT,
      amendedBy: 'jwt:office',
    };
    const { handler, bus } = setup({ amender: planAmender({ list: async () => [amendment] }, { ttlMs: 0 }) });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_assigned' }))).statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
    const later = setup({ amender: planAmender({ list: async () => [{ ...amendment, effectiveFrom: '2099-01-01' }] }, { ttlMs: 0 }) });
    expect((await later.handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_not_yet' }))).statusCode).toBe(422);
  });

  it('every issue of a message is listed at once, each with its own code', async () => {
    const body = withData({ taskId: 'T17', orgId: 'jn-zone-gaoxin', period: '2023-12', completedMilestoneIds: ['T08-M1'] });
    const error = await refused(body, { orgIds: ['jn-zone-gaoxin'] });
    expect(error.issues.map((i) => [i.code, i.path])).toEqual([
      ['invalid_period', 'data.period'],
      ['unit_not_assigned', 'data.orgId'],
      ['unknown_reference', 'data.metrics.0.kpiId'],
      ['unknown_reference', 'data.metrics.1.kpiId'],
      ['unknown_reference', 'data.completedMilestoneIds.0'],
    ]);
    expect(error.code).toBe('invalid_period');
  });
});
