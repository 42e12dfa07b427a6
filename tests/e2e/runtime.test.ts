import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourcesFile } from '../../shared/ingest/sources.js';
import { sampleBody, signHeaders } from '../helpers/webhooks.js';
import { descendants, isRunning, startLocal, waitUntil, type LocalProcess } from './local-process.js';

const TOKEN = 'e2e-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const env = { API_TOKEN: TOKEN, CLOCK: '2023-07-03T10:00:00+08:00' };

let dataDir: string;
let running: LocalProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'e2e-runtime-'));
});
afterAll(async () => {
  if (running && running.child.exitCode === null) await running.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function renchengSecret(): Promise<string> {
  const file = SourcesFile.parse(JSON.parse(await readFile(new URL('../../config/sources.local.json', import.meta.url), 'utf8')));
  const source = file.sources.find((s) => s.sourceId === 'rencheng');
  if (!source?.secrets[0]) throw new Error('config/sources.local.json has no rencheng source');
  return source.secrets[0];
}

async function taskReports(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v1/plans/jining-sports-2023/tasks/T08`, { headers: auth });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { reports: { items: Array<{ webhookId: string }> } };
  return body.reports.items.map((r) => r.webhookId);
}

describe('npm start (tsx local/main.ts)', () => {
  it('serves, guards admin, carries a signed report to the read API, and stops on SIGTERM leaving no process', async () => {
    running = await startLocal({ dataDir, env });
    const { url } = running;
    expect(running.output().stderr).toContain(`API token: ${TOKEN}`);
    // No OFFICE_TOKEN given: the office's token is made and kept in DATA_DIR, and printed apart.
    expect(running.output().stderr).toMatch(
      /office token \(督查室: reviews, amendments\): [A-Za-z0-9_-]{32} {3}\(generated now, kept in \S+office-token\)/,
    );

    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/v1/admin/dlq`)).status).toBe(401);
    expect((await fetch(`${url}/v1/admin/drain`, { method: 'POST', headers: { authorization: 'Bearer nope' } })).status).toBe(401);

    const body = sampleBody('valid/progress-t08-rencheng.json');
    const res = await fetch(`${url}/v1/webhooks/rencheng`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signHeaders({ secrets: await renchengSecret(), id: 'msg_e2e_1', body }) },
      body,
    });
    expect(res.status).toBe(202);
    expect((await fetch(`${url}/v1/admin/drain`, { method: 'POST', headers: auth })).status).toBe(200);
    expect(await taskReports(url)).toEqual(['msg_e2e_1']);

    const tree = descendants(running.child.pid!);
    const java = tree.filter((pid) => /\bjava\b/.test(safeCmdline(pid)));
    expect(java).toHaveLength(1);
    expect(await running.kill('SIGTERM')).toBe(0);
    expect(await waitUntil(() => tree.every((pid) => !isRunning(pid)), 10_000)).toBe(true);
    expect(running.output().stderr).toContain('stopped');
  }, 120_000);

  it('keeps the data on a restart with the same DATA_DIR', async () => {
    running = await startLocal({ dataDir, env });
    expect(running.output().stderr).toContain('table supervision: exists');
    expect(await taskReports(running.url)).toEqual(['msg_e2e_1']);
    expect(await running.kill('SIGTERM')).toBe(0);
  }, 120_000);
});

function safeCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
