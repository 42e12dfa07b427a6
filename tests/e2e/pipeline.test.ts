import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleBody } from '../helpers/webhooks.js';
import {
  Api,
  PLAN_ID,
  TOKEN,
  eventBody,
  localSources,
  progressBody,
  sendWebhook,
  signedHeaders,
  stopLocal,
  tempDataDir,
} from './helpers.js';
import { startLocal, type LocalProcess } from './local-process.js';

/**
 * Issues 4 and 6 through `npm start`'s runtime: a signed report goes onto the bus, through the
 * progress queue to apply-progress and out of the read API; an event counts toward its KPI; the
 * aggregation job stores a snapshot the read API serves. Afterwards, nothing the runtime logged
 * (at DEBUG) contains a source's secret or key material.
 */

let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;

beforeAll(async () => {
  dataDir = await tempDataDir('pipeline');
  running = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, CLOCK: '2023-07-03T10:00:00+08:00', LOG_LEVEL: 'DEBUG' } });
  api = new Api(running.url);
});

afterAll(async () => {
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

describe('the pipeline through the local runtime', () => {
  it('carries a signed progress report through the progress queue to the aggregates and the audit trail, once', async () => {
    const before = await api.kpi('sports-clubs');
    expect(before.byOrg.find((f) => f.orgId === '370811')).toBeUndefined();

    // The sample reports sports-associations 21 and sports-clubs 48 for 任城区.
    const body = sampleBody('valid/progress-t08-rencheng.json');
    const first = await sendWebhook(api.url, { sourceId: 'rencheng', id: 'msg_pipe_1', body });
    expect(first).toMatchObject({ status: 202, body: { id: 'msg_pipe_1' } });
    await api.drain();

    const reports = await api.reports('T08');
    expect(reports.map((r) => r.webhookId)).toEqual(['msg_pipe_1']);
    expect(reports[0]).toMatchObject({ sourceId: 'rencheng', orgId: '370811', reportedAt: '2023-06-25T10:00:00+08:00' });
    const clubs = await api.kpi('sports-clubs');
    expect(clubs.byOrg).toEqual([expect.objectContaining({ orgId: '370811', value: 48 })]);
    expect(clubs.value).toBe(48);
    expect((await api.kpi('sports-associations')).value).toBe(21);

    // An exact resend is acknowledged and changes nothing; the same id with another body is a conflict.
    expect((await sendWebhook(api.url, { sourceId: 'rencheng', id: 'msg_pipe_1', body })).status).toBe(202);
    const other = body.replace('"value": 48', '"value": 49');
    expect(other).not.toBe(body);
    const conflict = await sendWebhook(api.url, { sourceId: 'rencheng', id: 'msg_pipe_1', body: other });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { code: 'webhook_id_conflict' } });
    await api.drain();
    expect((await api.reports('T08')).map((r) => r.webhookId)).toEqual(['msg_pipe_1']);
    expect((await api.kpi('sports-clubs')).value).toBe(48);
    expect(await api.deadLetters()).toEqual([]);
  }, 60_000);

  it('refuses an unsigned or wrongly signed report over HTTP without a hint, and stores nothing', async () => {
    const body = progressBody({
      orgId: '370811',
      reportedAt: '2023-06-28T10:00:00+08:00',
      metrics: [{ kpiId: 'sports-clubs', value: 999 }],
    });
    const wrong = await sendWebhook(api.url, {
      sourceId: 'rencheng',
      secret: localSources().get('qufu')!.secrets[0]!,
      id: 'msg_pipe_forged',
      body,
    });
    expect(wrong.status).toBe(401);
    const unsigned = await fetch(`${api.url}/v1/webhooks/rencheng`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual(wrong.body);
    await api.drain();
    expect((await api.reports('T08')).map((r) => r.webhookId)).toEqual(['msg_pipe_1']);
    expect((await api.kpi('sports-clubs')).value).toBe(48);
  }, 30_000);

  it('counts a held marathon toward marathon-held once; the latest registration of an event wins', async () => {
    expect((await api.kpi('marathon-held')).value).toBe(0);
    const planned = eventBody({
      eventId: 'jn-marathon-2023',
      orgId: 'jn-mass-sports',
      status: 'planned',
      taskIds: ['T13'],
      timestamp: '2023-06-01T09:00:00+08:00',
    });
    const held = eventBody({
      eventId: 'jn-marathon-2023',
      orgId: 'jn-mass-sports',
      status: 'held',
      taskIds: ['T13'],
      timestamp: '2023-07-01T09:00:00+08:00',
    });
    const lateOld = eventBody({
      eventId: 'jn-marathon-2023',
      orgId: 'jn-mass-sports',
      status: 'cancelled',
      taskIds: ['T13'],
      timestamp: '2023-05-01T09:00:00+08:00',
    });
    expect((await sendWebhook(api.url, { sourceId: 'mass-sports', id: 'msg_evt_1', body: planned })).status).toBe(202);
    await api.drain();
    expect((await api.kpi('marathon-held')).value).toBe(0);
    expect((await sendWebhook(api.url, { sourceId: 'mass-sports', id: 'msg_evt_2', body: held })).status).toBe(202);
    // An older registration delivered late must not undo the newer one.
    expect((await sendWebhook(api.url, { sourceId: 'mass-sports', id: 'msg_evt_0', body: lateOld })).status).toBe(202);
    await api.drain();

    const marathon = await api.kpi('marathon-held');
    expect(marathon.value).toBe(1);
    expect(marathon.byOrg).toEqual([expect.objectContaining({ orgId: 'jn-mass-sports', value: 1 })]);
    const events = await api.get<{ items: Array<{ eventId: string; status: string; webhookId: string }> }>(
      `/v1/plans/${PLAN_ID}/events?taskId=T13`,
    );
    expect(events.items).toEqual([expect.objectContaining({ eventId: 'jn-marathon-2023', status: 'held', webhookId: 'msg_evt_2' })]);
  }, 60_000);

  it('stores a daily snapshot the read API serves; a re-run of the day replaces it', async () => {
    const now = '2023-07-03T01:00:00+08:00';
    const summary = await api.job<{ runs: Array<{ planId: string; date: string; mode: string }> }>('aggregate-kpis', { now });
    expect(summary.runs).toEqual([expect.objectContaining({ planId: PLAN_ID, date: '2023-07-03', mode: 'snapshot' })]);

    type Snapshots = {
      from: string;
      to: string;
      items: Array<{ date: string; createdAt: string; kpis: Array<{ kpiId: string; value: number | null }> }>;
    };
    const range = `/v1/plans/${PLAN_ID}/snapshots?from=2023-07-01&to=2023-07-05`;
    const first = await api.get<Snapshots>(range);
    expect(first.items.map((s) => s.date)).toEqual(['2023-07-03']);
    const value = (s: Snapshots, kpiId: string) => s.items[0]?.kpis.find((k) => k.kpiId === kpiId)?.value;
    expect(value(first, 'sports-clubs')).toBe(48);
    expect(value(first, 'marathon-held')).toBe(1);
    expect(first.items[0]?.createdAt).toBe(new Date(now).toISOString());

    // A newer report, then the same day again: still one snapshot for the day, with the new figure.
    const newer = progressBody({
      orgId: '370811',
      reportedAt: '2023-07-02T18:00:00+08:00',
      metrics: [{ kpiId: 'sports-clubs', value: 60 }],
    });
    expect((await sendWebhook(api.url, { sourceId: 'rencheng', id: 'msg_pipe_2', body: newer })).status).toBe(202);
    await api.drain();
    await api.job('aggregate-kpis', { now: '2023-07-03T08:30:00+08:00' });
    const second = await api.get<Snapshots>(range);
    expect(second.items.map((s) => s.date)).toEqual(['2023-07-03']);
    expect(value(second, 'sports-clubs')).toBe(60);
    expect(await api.get<Snapshots>(`/v1/plans/${PLAN_ID}/snapshots?from=2023-07-04&to=2023-07-05`)).toMatchObject({ items: [] });
  }, 60_000);

  it('logged no secret, key material or signature on any of these paths, and stops cleanly', async () => {
    const { stdout, stderr } = running!.output();
    const logs = `${stdout}\n${stderr}`;
    // The runtime did log at DEBUG (so the check below is not vacuous).
    expect(logs).toContain('msg_pipe_1');
    expect(logs).toContain('webhook signature rejected');
    for (const [, s] of localSources()) {
      for (const secret of s.secrets) {
        const key = secret.slice('whsec_'.length);
        expect(logs).not.toContain(key);
        expect(logs).not.toContain(Buffer.from(key, 'base64').toString('hex'));
      }
    }
    // A signature for the body we sent is not in the logs either (the same id and body sign to a fresh value, but the format is what a leak looks like).
    expect(logs).not.toMatch(/v1,[A-Za-z0-9+/]{43}=/);
    expect(signedHeaders(localSources().get('rencheng')!.secrets[0]!, 'x', '{}')['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(await running!.kill('SIGTERM')).toBe(0);
  }, 30_000);
});
