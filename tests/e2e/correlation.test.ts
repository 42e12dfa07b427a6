import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, TOKEN, progressBody, sendWebhook, stopLocal, tempDataDir } from './helpers.js';
import { startLocal, type LocalProcess } from './local-process.js';

/**
 * Correlation through `npm start`'s runtime at LOG_LEVEL=DEBUG: one report, from its webhook through
 * apply-progress to the delivery of the reminder it causes (曲阜市 reports T08 blocked; the next
 * workday the bureau gets a 协调 item), is found by one search for its webhook-id, and each function's
 * lines about it carry the keys of shared/observability/correlation.ts.
 */

const WEBHOOK_ID = 'msg_corr_qf_t08_blocked';
const KEYS = { sourceId: 'qufu', webhookId: WEBHOOK_ID, planId: 'jining-sports-2023', taskId: 'T08', orgId: '370881' };

let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;

beforeAll(async () => {
  dataDir = await tempDataDir('correlation');
  running = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, CLOCK: '2023-07-03T08:00:00+08:00', LOG_LEVEL: 'DEBUG' } });
  api = new Api(running.url);
});

afterAll(async () => {
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

type Line = Record<string, unknown> & { service?: string; message?: string; level?: string };

/** The runtime's JSON log lines so far. */
function logLines(): Line[] {
  return running!
    .output()
    .stdout.split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Line];
      } catch {
        return [];
      }
    });
}

describe('one report followed by one search', () => {
  it('the webhook, the consumer and the delivery all log it with its keys', async () => {
    const body = progressBody({
      taskId: 'T08',
      orgId: '370881',
      reportedAt: '2023-06-28T16:00:00+08:00',
      period: '2023-06',
      status: 'blocked',
      summary: '体育社团登记需民政部门协调',
    });
    expect((await sendWebhook(api.url, { sourceId: 'qufu', id: WEBHOOK_ID, body })).status).toBe(202);
    await api.drain();
    await api.job('send-reminders', { now: '2023-07-03T09:00:00+08:00' });
    await api.drain();

    // grep WEBHOOK_ID: lines of the three functions.
    const raw = running!
      .output()
      .stdout.split('\n')
      .filter((l) => l.includes(WEBHOOK_ID));
    const found = raw.map((l) => JSON.parse(l) as Line);
    expect(new Set(found.map((l) => l.service))).toEqual(new Set(['ingest-webhook', 'apply-progress', 'deliver-notification']));

    const lines = logLines();
    const ingest = lines.filter((l) => l.service === 'ingest-webhook' && l.webhookId === WEBHOOK_ID);
    expect(ingest.map((l) => l.message)).toContain('webhook accepted');
    for (const l of ingest) expect(l).toMatchObject(KEYS);

    const applied = lines.filter((l) => l.service === 'apply-progress' && l.webhookId === WEBHOOK_ID);
    expect(applied.map((l) => [l.level, l.message])).toContainEqual(['DEBUG', 'record applied']);
    for (const l of applied) expect(l).toMatchObject(KEYS);

    // The delivery: the bureau's digest names the report it answers on every line about it, and
    // its blocked item names the report's source, task and unit.
    const delivery = lines.filter(
      (l) => l.service === 'deliver-notification' && Array.isArray(l.webhookIds) && l.webhookIds.includes(WEBHOOK_ID),
    );
    expect(delivery.map((l) => l.message)).toContain('digest delivered');
    for (const l of delivery) {
      expect(l).toMatchObject({ planId: KEYS.planId, orgId: 'jn-sports-bureau' });
      expect(l.taskIds).toContain('T08');
      expect(l.digestId).toEqual(expect.any(String));
    }
    const item = delivery.find((l) => l.message === 'digest item' && l.webhookId === WEBHOOK_ID);
    expect(item).toMatchObject({
      level: 'DEBUG',
      kind: 'blocked',
      sourceId: 'qufu',
      taskId: 'T08',
      subjectOrgId: '370881',
      planId: KEYS.planId,
    });
  }, 120_000);
});
