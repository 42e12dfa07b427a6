import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from '../helpers/programs.js';
import { Api, TOKEN, secretOf, stopLocal, tempDataDir } from './helpers.js';
import { startLocal, type LocalProcess } from './local-process.js';

/**
 * The integrators' example (clients/ts/example.ts), run as they would run it, against `npm start`'s
 * runtime: the typed client signs and sends a report, the runtime accepts and applies it, and a
 * refusal comes back as the example prints it.
 */

let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;

beforeAll(async () => {
  dataDir = await tempDataDir('client-example');
  running = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, CLOCK: '2023-07-03T10:00:00+08:00' } });
  api = new Api(running.url);
});

afterAll(async () => {
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

const runExample = (env: Record<string, string>) => runProgram('clients/ts/example.ts', [], env);

describe('clients/ts/example.ts against the local runtime', () => {
  it('signs and sends a report that the runtime accepts and applies', async () => {
    const r = await runExample({ SUPERVISION_URL: running!.url, SOURCE_ID: 'rencheng', WEBHOOK_SECRET: secretOf('rencheng') });
    expect(r.code, r.stderr).toBe(0);
    const id = /^202 accepted (msg_[0-9a-f]{32})$/m.exec(r.stdout)?.[1];
    expect(id, r.stdout).toBeDefined();

    await api.drain();
    const reports = await api.reports('T08');
    expect(reports.filter((x) => x.webhookId === id)).toMatchObject([{ sourceId: 'rencheng', orgId: '370811' }]);
    const clubs = await api.kpi('sports-clubs');
    expect(clubs.byOrg.find((f) => f.orgId === '370811')?.value).toBe(48);
  }, 120_000);

  it('prints the refusal and exits 1 when the secret is wrong', async () => {
    const r = await runExample({ SUPERVISION_URL: running!.url, SOURCE_ID: 'rencheng', WEBHOOK_SECRET: secretOf('qufu') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('401 unauthorized');
  }, 60_000);
});
