import { rm } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  LONG,
  allGone,
  counts,
  crash,
  expectedFigures,
  figuresOf,
  launch,
  plannedReports,
  pool,
  processTree,
  seededRandom,
  sendWebhook,
  shuffle,
  stopLocal,
  tempDataDir,
  type Api,
  type PlannedReport,
  type SendResult,
} from './helpers.js';
import { createApplyProgressHandler } from '../../functions/apply-progress/app.js';
import { throttlingError } from '../../local/faults.js';
import { startRuntime } from '../../local/runtime.js';
import { systemClock } from '../../shared/time/clocks.js';
import { progressReport } from '../helpers/reports.js';
import { recordingLogger } from '../helpers/webhooks.js';
import { waitUntil, type LocalProcess } from './local-process.js';

/**
 * Issue 10 through `npm start`'s runtime: what it accepted (202) it does not lose under injected
 * DynamoDB and bus faults, across a kill -9 mid-burst, or through the DLQ and a redrive; and the
 * aggregates come out exact (each unit's figure = its latest report by (reportedAt, webhookId)).
 *
 * Default sizes keep `npm test` fast; `LONG=1` (npm run test:long) runs the issue's 5,000 reports.
 */

const SIZES = LONG ? { faults: 5000, crash: 2000, redrive: 500 } : { faults: 150, crash: 120, redrive: 24 };
const BASE_ENV = { CLOCK: '2023-07-03T10:00:00+08:00', SOURCE_RATE_PER_SECOND: '0' };
const CONCURRENCY = 16;
const TIMEOUT_MS = LONG ? 3_600_000 : 300_000;

const dataDirs: string[] = [];
let running: LocalProcess | undefined;

async function start(dataDir: string, env: Record<string, string> = {}): Promise<{ p: LocalProcess; api: Api }> {
  const started = await launch(dataDir, { ...BASE_ENV, ...env });
  running = started.p;
  return started;
}

/** `E2E_TIMING=1` prints how long each phase took. */
const phase = (() => {
  let at = Date.now();
  return (label: string) => {
    if (process.env.E2E_TIMING) console.log(`[reliability] ${label}: ${((Date.now() - at) / 1000).toFixed(1)} s`);
    at = Date.now();
  };
})();

async function newDataDir(label: string): Promise<string> {
  const d = await tempDataDir(label);
  dataDirs.push(d);
  return d;
}

afterEach(async () => {
  await stopLocal(running);
  running = undefined;
});
afterAll(async () => {
  for (const d of dataDirs) await rm(d, { recursive: true, force: true });
});

/** Sends each report like a county system: retried with the same webhook-id on 5xx, 429 or a broken connection. */
async function sendAll(url: string, sends: readonly PlannedReport[], retries: number): Promise<Map<string, SendResult[]>> {
  const results = new Map<string, SendResult[]>();
  await pool(sends, CONCURRENCY, async (r) => {
    const res = await sendWebhook(url, { sourceId: r.sourceId, id: r.id, body: r.body, retries });
    results.set(r.id, [...(results.get(r.id) ?? []), res]);
  });
  return results;
}

/** The aggregates must be exact for every unit, and the city figure is their sum. */
async function expectExactFigures(api: Api, reports: readonly PlannedReport[]): Promise<void> {
  const expected = expectedFigures(reports);
  const actual = await figuresOf(api);
  expect(Object.fromEntries(actual.byOrg)).toEqual(Object.fromEntries(expected));
  expect(actual.city).toBe([...expected.values()].reduce((s, v) => s + v, 0));
}

/** Reconcile mode recomputes the aggregates from the audit trail: no drift, every report read. */
async function expectNoDrift(api: Api, reportsRead: number): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 10; i++) {
    try {
      const s = await api.job<{ runs: Array<{ drift: unknown[]; reportsRead: number }> }>('aggregate-kpis', { mode: 'reconcile' });
      expect(s.runs[0]).toMatchObject({ drift: [], reportsRead });
      return;
    } catch (err) {
      // Under injected faults the job itself may fail (500); it is run again, as the Scheduler would.
      last = err;
      if (!(err instanceof Error) || !/job aggregate-kpis: 500/.test(err.message)) throw err;
    }
  }
  throw last;
}

describe('reliability of the local runtime', () => {
  it(
    `fault injection (dynamodb:0.2, eventbridge:0.05): ${SIZES.faults} reports, 20% resent, shuffled — nothing accepted is lost, aggregates exact`,
    async () => {
      const random = seededRandom(20231009);
      const reports = plannedReports(SIZES.faults, random, 'flt');
      const resent = reports.filter(() => random() < 0.2);
      const sends = shuffle([...reports, ...resent], random);
      phase('start');
      const { p, api } = await start(await newDataDir('faults'), { FAULTS: 'dynamodb:0.2,eventbridge:0.05' });
      expect(p.output().stderr).toContain('FAULT INJECTION ON');
      phase('runtime up');

      const results = await sendAll(api.url, sends, 40);
      phase(`${sends.length} sends`);
      const all = [...results.values()].flat();
      // The faults were felt. Since ingest stores each message once and the table's stream feeds the bus,
      // the bus's faults hit the relay, which logs the chunk refused and retries it from its first record;
      // a sender sees a 5xx only when DynamoDB fails its one write past the SDK's retries (not every run).
      await api.drain(LONG ? 40 : 6);
      const logged = p.output();
      expect(`${logged.stdout}${logged.stderr}`).toContain('bus did not take the chunk; retrying from its first record');
      // A sender that retries gets every report accepted; an exact resend is never a conflict.
      expect(all.filter((r) => r.status !== 202)).toEqual([]);
      const accepted = new Set([...results].filter(([, rs]) => rs.some((r) => r.status === 202)).map(([id]) => id));
      expect(accepted.size).toBe(reports.length);

      await api.drain(LONG ? 40 : 6);
      phase('drain');
      const applied = await api.reports('T08');
      const dead = await api.deadLetters();
      phase('read audit trail');
      const appliedIds = new Set(applied.map((r) => r.webhookId));
      const deadIds = new Set(dead.map((d) => d.message.detail?.webhookId));
      // Every accepted report is accounted for: applied, or dead-lettered with its reason.
      expect([...accepted].filter((id) => !appliedIds.has(id) && !deadIds.has(id))).toEqual([]);
      for (const d of dead) expect(d.reason).toMatch(/\w+(Error|Exception): \S/);
      // The audit trail holds each report once, and only reports that were sent.
      expect([...counts(applied.map((r) => r.webhookId))].filter(([, n]) => n !== 1)).toEqual([]);
      expect([...appliedIds].filter((id) => !accepted.has(id))).toEqual([]);

      // Dead letters (if the retries ever ran out) are redriven until none is left, still under faults.
      for (let round = 0; round < 3 && (await api.deadLetters()).length > 0; round++) {
        await api.post('/v1/admin/dlq/redrive');
        await api.drain(LONG ? 40 : 6);
      }
      expect(await api.deadLetters()).toEqual([]);
      expect((await api.reports('T08')).length).toBe(reports.length);
      await expectExactFigures(api, reports);
      await expectNoDrift(api, reports.length);
      phase('figures and reconcile');
    },
    TIMEOUT_MS,
  );

  it(
    `crash safety: kill -9 in the middle of a burst of ${SIZES.crash}; after a restart on the same data every 202 is applied`,
    async () => {
      const dataDir = await newDataDir('crash');
      const random = seededRandom(4242);
      const reports = plannedReports(SIZES.crash, random, 'crs');
      const first = await start(dataDir);
      const tree = processTree(first.p);
      expect(tree.java).toHaveLength(1);

      const killAt = Math.floor(reports.length / 3);
      let acceptedCount = 0;
      let killed: Promise<void> | undefined;
      const status = new Map<string, number>();
      await pool(reports, CONCURRENCY, async (r) => {
        const res = await sendWebhook(first.api.url, { sourceId: r.sourceId, id: r.id, body: r.body, timeoutMs: 10_000 });
        status.set(r.id, res.status);
        if (res.status === 202 && ++acceptedCount >= killAt && !killed) killed = crash(first.p);
      });
      expect(killed).toBeDefined();
      await killed;
      phase('burst and kill -9');
      const accepted = reports.filter((r) => status.get(r.id) === 202);
      const refused = reports.filter((r) => status.get(r.id) !== 202);
      expect(accepted.length).toBeGreaterThanOrEqual(killAt);
      // The crash did happen mid-burst: the rest could not be sent. Nothing else than 202 or a broken connection.
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.filter((r) => status.get(r.id) !== 0)).toEqual([]);
      // No DynamoDB Local (Java) nor watchdog is left behind by the killed runtime.
      expect(await allGone(tree.all)).toBe(true);

      const second = await start(dataDir);
      phase('restart');
      await second.api.drain(LONG ? 40 : 6);
      const applied = await second.api.reports('T08');
      const appliedIds = new Set(applied.map((r) => r.webhookId));
      expect(accepted.filter((r) => !appliedIds.has(r.id)).map((r) => r.id)).toEqual([]);
      expect([...counts(applied.map((r) => r.webhookId))].filter(([, n]) => n !== 1)).toEqual([]);

      // The county systems retry what got no answer; then every report is applied exactly once and the figures are exact.
      const retried = await sendAll(second.api.url, refused, 10);
      expect([...retried.values()].flat().filter((r) => r.status !== 202)).toEqual([]);
      await second.api.drain(LONG ? 40 : 6);
      const final = await second.api.reports('T08');
      expect(final.map((r) => r.webhookId).sort()).toEqual(reports.map((r) => r.id).sort());
      await expectExactFigures(second.api, reports);
      expect(await second.api.deadLetters()).toEqual([]);

      const tree2 = processTree(second.p);
      expect(await second.p.kill('SIGTERM')).toBe(0);
      expect(await allGone(tree2.all)).toBe(true);
      phase('crash: rest');
    },
    TIMEOUT_MS,
  );

  it(
    `DLQ redrive: ${SIZES.redrive} reports dead-lettered under dynamodb:0.6 (apply-progress 0.95) apply exactly once after a restart and a redrive`,
    async () => {
      const dataDir = await newDataDir('redrive');
      const random = seededRandom(7);
      const reports = plannedReports(SIZES.redrive, random, 'dlq');

      // Phase 1: DynamoDB fails most calls, and the SDK does not retry them (AWS_MAX_ATTEMPTS=1, so
      // that this phase is quick). The senders retry until ingestion accepts; the consumer keeps
      // failing (a report needs a read and a conditional write), and after maxReceiveCount (5) receives the messages go
      // to the DLQ. Some writes of a failing message did apply (throttles and lost responses alike).
      // The consumer's own share is higher: it merges a unit's concurrent reports into one write, so
      // the three units of these reports are about three trials a round, and at 0.6 all three came
      // through within five receives now and then (CI: no dead letter at all, nothing to redrive).
      const broken = await start(dataDir, {
        FAULTS: 'dynamodb:0.6,dynamodb@apply-progress:0.95',
        AWS_MAX_ATTEMPTS: '1',
        VISIBILITY_TIMEOUT_MS: '100',
      });
      phase('redrive: start');
      const results = await sendAll(broken.api.url, reports, 200);
      phase('redrive: sends');
      expect([...results.values()].flat().filter((r) => r.status !== 202)).toEqual([]);
      await broken.api.drain(LONG ? 40 : 6);
      phase('redrive: drain');
      const dead = await broken.api.deadLetters();
      expect(dead.length).toBeGreaterThan(0);
      for (const d of dead) {
        expect(d.message['detail-type']).toBe('progress.submitted');
        expect(d.receiveCount).toBe(5);
        // Each dead letter keeps a reason naming an error (`Name: message`). Which one depends on the
        // batch: see the known issue below (a batch whose every record failed keeps only FullBatchFailureError).
        expect(d.reason).toMatch(/\w+(Error|Exception): \S/);
      }
      expect(await broken.p.kill('SIGTERM')).toBe(0);
      phase('redrive: phase 1');

      // Phase 2: the same data without faults. The dead letters survived the restart; redrive them.
      const healthy = await start(dataDir);
      const stillDead = await healthy.api.deadLetters();
      expect(stillDead.map((d) => d.messageId).sort()).toEqual(dead.map((d) => d.messageId).sort());
      const redrive = await healthy.api.post<{ moved: number }>('/v1/admin/dlq/redrive');
      expect(redrive).toEqual({ status: 200, body: { moved: dead.length } });
      await healthy.api.drain(LONG ? 40 : 6);
      expect(await healthy.api.deadLetters()).toEqual([]);

      const applied = await healthy.api.reports('T08');
      // Exactly once: every report in the audit trail once, whether it applied first time or after the redrive.
      expect([...counts(applied.map((r) => r.webhookId))].filter(([, n]) => n !== 1)).toEqual([]);
      expect(applied.map((r) => r.webhookId).sort()).toEqual(reports.map((r) => r.id).sort());
      for (const d of dead) expect(applied.some((r) => r.webhookId === d.message.detail?.webhookId)).toBe(true);
      await expectExactFigures(healthy.api, reports);
      await expectNoDrift(healthy.api, reports.length);
      expect(await healthy.p.kill('SIGTERM')).toBe(0);
      phase('redrive: phase 2');
    },
    TIMEOUT_MS,
  );
});

describe('dead letters keep their reason', () => {
  // When every record of a batch fails, Powertools' processPartialResponse throws FullBatchFailureError;
  // the dead letter must still name the record's own error (told through onRecordFailure), not only
  // "All records failed processing". A one-message batch that always fails is the simplest case.
  it('a message whose every receive fails keeps its own error as the DLQ reason, also when it was alone in its batch', async () => {
    const dataDir = await newDataDir('dlq-reason');
    const { logger } = recordingLogger();
    const runtime = await startRuntime(
      {
        port: 0,
        dataDir,
        apiToken: 'unused',
        clock: systemClock,
        visibilityTimeoutMs: 10,
        consumerConcurrency: 1,
        schedules: false,
        log: () => undefined,
      },
      (services) => ({
        'apply-progress': createApplyProgressHandler({
          writer: {
            applyProgress: async () => {
              throw throttlingError();
            },
          },
          logger,
          onFailure: services.onRecordFailure,
        }),
      }),
    );
    try {
      await runtime.bus.publish([{ detailType: 'progress.submitted', detail: progressReport({ webhookId: 'msg_always_throttled' }) }]);
      expect(await waitUntil(() => runtime.queues.progress.deadLetters().length === 1, 20_000)).toBe(true);
      const [dead] = runtime.queues.progress.deadLetters();
      expect(dead?.receiveCount).toBe(5);
      expect(dead?.reason).toContain('ProvisionedThroughputExceededException');
    } finally {
      await runtime.stop();
    }
  }, 30_000);
});
