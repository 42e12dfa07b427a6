import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecret } from '../helpers/webhooks.js';
import { Api, PLAN_ID, TOKEN, eventBody, progressBody, sendWebhook, stopLocal, tempDataDir } from './helpers.js';
import { startLocal, type LocalProcess } from './local-process.js';

/**
 * Issue 13's four scenarios through `npm start`'s runtime, as a county system would send them:
 * signed webhooks, a drain, then the read API and the audit trail. Each bad message gets its 4xx with
 * the path, and the figures and the audit trail are what they should be.
 */

const SOURCES = {
  rencheng: { orgIds: ['370811'], secret: newSecret() },
  qufu: { orgIds: ['370881'], secret: newSecret() },
  gaoxin: { orgIds: ['jn-zone-gaoxin'], secret: newSecret() },
  'mass-sports': { orgIds: ['jn-mass-sports'], secret: newSecret() },
} as const;
type SourceId = keyof typeof SOURCES;

let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;

beforeAll(async () => {
  dataDir = await tempDataDir('integrity');
  const sourcesFile = join(dataDir, 'sources.json');
  await writeFile(
    sourcesFile,
    JSON.stringify({
      sources: Object.entries(SOURCES).map(([sourceId, s]) => ({
        sourceId,
        orgIds: s.orgIds,
        secrets: [s.secret],
        types: ['progress.submitted', 'event.registered'],
      })),
    }),
  );
  running = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, SOURCES_FILE: sourcesFile, CLOCK: '2023-07-03T10:00:00+08:00' } });
  api = new Api(running.url);
});

afterAll(async () => {
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

const send = (sourceId: SourceId, id: string, body: string) =>
  sendWebhook(api.url, { sourceId, secret: SOURCES[sourceId].secret, id, body });
type ErrorBody = { error: { code: string; issues: Array<{ code: string; path: string }> } };
const issuesOf = (body: unknown) => (body as ErrorBody).error.issues.map((i) => `${i.code} ${i.path}`);

describe('integrity through the local runtime', () => {
  it('1. a report dated in the future is refused, and a correct later report still moves the figure', async () => {
    const future = await send(
      'rencheng',
      'rc_future',
      progressBody({
        orgId: '370811',
        reportedAt: '2099-01-01T00:00:00Z',
        period: '2023-06',
        metrics: [{ kpiId: 'sports-clubs', value: 999 }],
      }),
    );
    expect(future.status).toBe(422);
    expect(issuesOf(future.body)).toContain('time_out_of_range data.reportedAt');

    // A June report that says December would mark December reported and silence its 催报.
    const december = await send(
      'rencheng',
      'rc_dec',
      progressBody({
        orgId: '370811',
        reportedAt: '2023-06-20T10:00:00+08:00',
        period: '2023-12',
        metrics: [{ kpiId: 'sports-clubs', value: 30 }],
      }),
    );
    expect(december.status).toBe(422);
    expect(issuesOf(december.body)).toEqual(['invalid_period data.period']);

    expect(
      (
        await send(
          'rencheng',
          'rc_june',
          progressBody({ orgId: '370811', reportedAt: '2023-06-20T10:00:00+08:00', metrics: [{ kpiId: 'sports-clubs', value: 30 }] }),
        )
      ).status,
    ).toBe(202);
    expect(
      (
        await send(
          'rencheng',
          'rc_july',
          progressBody({ orgId: '370811', reportedAt: '2023-07-01T10:00:00+08:00', metrics: [{ kpiId: 'sports-clubs', value: 35 }] }),
        )
      ).status,
    ).toBe(202);
    await api.drain();
    const clubs = await api.kpi('sports-clubs');
    expect(clubs.byOrg.find((f) => f.orgId === '370811')?.value).toBe(35);
    expect((await api.reports('T08')).filter((r) => r.sourceId === 'rencheng').map((r) => r.webhookId)).toEqual(['rc_july', 'rc_june']);
    expect(await api.deadLetters()).toEqual([]);
  }, 60_000);

  it('2. two sources that reuse one webhook-id for the same instant: both 202, both applied, both in the audit trail', async () => {
    const at = '2023-06-21T09:00:00+08:00';
    const a = await send(
      'rencheng',
      'vendor-20230621-0900',
      progressBody({ orgId: '370811', reportedAt: at, metrics: [{ kpiId: 'sports-associations', value: 12 }] }),
    );
    const b = await send(
      'qufu',
      'vendor-20230621-0900',
      progressBody({ orgId: '370881', reportedAt: at, metrics: [{ kpiId: 'sports-associations', value: 7 }] }),
    );
    expect([a.status, b.status]).toEqual([202, 202]);
    await api.drain();
    const trail = (await api.reports('T08')).filter((r) => r.webhookId === 'vendor-20230621-0900');
    expect(trail.map((r) => `${r.sourceId}:${r.orgId}`).sort()).toEqual(['qufu:370881', 'rencheng:370811']);
    const associations = await api.kpi('sports-associations');
    expect(new Map(associations.byOrg.map((f) => [f.orgId, f.value]))).toEqual(
      new Map([
        ['370811', 12],
        ['370881', 7],
      ]),
    );
    expect(associations.value).toBe(19);
  }, 60_000);

  it('3. a unit not assigned to the task cannot move its figure; an event cannot count for another unit’s task', async () => {
    const gaoxin = await send(
      'gaoxin',
      'gx_8421',
      progressBody({
        taskId: 'T17',
        orgId: 'jn-zone-gaoxin',
        reportedAt: '2023-06-20T10:00:00+08:00',
        metrics: [{ kpiId: '8421-primary-schools', value: 500 }],
      }),
    );
    expect(gaoxin.status).toBe(422);
    expect(gaoxin.body).toMatchObject({ error: { code: 'unit_not_assigned' } });
    expect(issuesOf(gaoxin.body)).toEqual(['unit_not_assigned data.orgId']);

    const event = await send(
      'mass-sports',
      'ms_evt',
      eventBody({
        eventId: 'evt-lottery',
        orgId: 'jn-mass-sports',
        status: 'held',
        taskIds: ['T13', 'T22'],
        timestamp: '2023-06-30T10:00:00+08:00',
      }),
    );
    expect(event.status).toBe(422);
    expect(issuesOf(event.body)).toEqual(['unit_not_assigned data.taskIds.1']);

    await api.drain();
    const primary = await api.kpi('8421-primary-schools');
    expect(primary.value).toBeNull();
    // The quota breakdown lists the 11 counties, none with a figure; the zone is not among them.
    expect(primary.byOrg.map((f) => f.orgId)).not.toContain('jn-zone-gaoxin');
    expect(primary.byOrg.filter((f) => f.value !== null)).toEqual([]);
    expect(await api.reports('T17')).toEqual([]);
    const events = await api.get<{ items: unknown[] }>(`/v1/plans/${PLAN_ID}/events`);
    expect(events.items).toEqual([]);
  }, 60_000);

  it('4. a report that omits completedMilestoneIds keeps the milestones the unit had completed', async () => {
    const lead = 'jn-mass-sports';
    expect(
      (
        await send(
          'mass-sports',
          'ms_june',
          progressBody({ orgId: lead, reportedAt: '2023-06-28T10:00:00+08:00', completedMilestoneIds: ['T08-M1'] }),
        )
      ).status,
    ).toBe(202);
    expect(
      (await send('mass-sports', 'ms_july', progressBody({ orgId: lead, reportedAt: '2023-07-02T10:00:00+08:00', period: '2023-07' })))
        .status,
    ).toBe(202);
    await api.drain();
    const task = await api.get<{
      milestones: Array<{ milestoneId: string; completed: boolean }>;
      byOrg: Array<{ orgId: string; reportedAt: string | null }>;
    }>(`/v1/plans/${PLAN_ID}/tasks/T08`);
    expect(task.byOrg.find((u) => u.orgId === lead)?.reportedAt).toBe('2023-07-02T10:00:00+08:00');
    expect(task.milestones.find((m) => m.milestoneId === 'T08-M1')?.completed).toBe(true);

    // Present is the whole set: sending it without T08-M1 un-completes it.
    expect(
      (
        await send(
          'mass-sports',
          'ms_july_fix',
          progressBody({ orgId: lead, reportedAt: '2023-07-03T09:00:00+08:00', period: '2023-07', completedMilestoneIds: [] }),
        )
      ).status,
    ).toBe(202);
    await api.drain();
    const after = await api.get<{ milestones: Array<{ milestoneId: string; completed: boolean }> }>(`/v1/plans/${PLAN_ID}/tasks/T08`);
    expect(after.milestones.find((m) => m.milestoneId === 'T08-M1')?.completed).toBe(false);
    expect(await api.deadLetters()).toEqual([]);
  }, 60_000);
});
