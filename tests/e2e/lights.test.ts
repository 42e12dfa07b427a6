import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTY_IDS } from '../../shared/org/directory.js';
import { Api, PLAN_ID, TOKEN, localSources, progressBody, sendWebhook, stopLocal, tempDataDir } from './helpers.js';
import { startLocal, type LocalProcess } from './local-process.js';

/**
 * Issue 14, points 1 and 2, through `npm start`'s runtime as of 2023-07-03 (the business clock):
 * signed webhooks from the county systems, drain, and the read API as the supervision office reads it.
 * The committed dev sources have two counties; this run adds a source for each of the other nine
 * (fresh secrets in a temporary SOURCES_FILE), so that all 11 can meet their 8421 quota.
 */

interface TaskItem {
  taskId: string;
  status: string;
  reasons: string[];
}
interface PlanBody {
  asOf: string;
  summary: { green: number; yellow: number; red: number; done: number };
  tasks: TaskItem[];
}
interface KpiBody {
  kpiId: string;
  value: number | null;
  status: string;
  reasons: string[];
  quota?: { perOrgTarget: number; units: number; met: number };
  byOrg: Array<{ orgId: string; value: number | null; status?: string; perOrgTarget?: number }>;
}
interface TaskBody {
  status: string;
  byOrg: Array<{ orgId: string; role: string; light: string; reasons: string[] }>;
}
interface RankingsBody {
  orgs: Array<{ orgId: string; rank: number; red: number; overdue: number }>;
}

const ASSUMED = ['T05', 'T08', 'T18', 'T24'];

let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;
/** countyId → sourceId that may report for it. */
const sourceOf = new Map<string, { sourceId: string; secret: string }>();

beforeAll(async () => {
  dataDir = await tempDataDir('lights');
  const committed = localSources();
  const sources = [...committed].map(([sourceId, s]) => ({
    sourceId,
    orgIds: s.orgIds,
    secrets: s.secrets,
    types: ['progress.submitted', 'event.registered'],
  }));
  for (const s of sources) for (const orgId of s.orgIds) sourceOf.set(orgId, { sourceId: s.sourceId, secret: s.secrets[0]! });
  for (const county of COUNTY_IDS.filter((c) => !sourceOf.has(c))) {
    const source = {
      sourceId: `county-${county}`,
      orgIds: [county],
      secrets: [`whsec_${randomBytes(24).toString('base64')}`],
      types: ['progress.submitted'],
    };
    sources.push(source);
    sourceOf.set(county, { sourceId: source.sourceId, secret: source.secrets[0]! });
  }
  const sourcesFile = join(dataDir, 'sources.json');
  await writeFile(sourcesFile, JSON.stringify({ sources }, null, 2));
  running = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, CLOCK: '2023-07-03T09:00:00+08:00', SOURCES_FILE: sourcesFile } });
  api = new Api(running.url);
}, 120_000);

afterAll(async () => {
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

/** A county's T17 report of its 8421 primary schools for June. */
async function reportSchools(county: string, value: number): Promise<void> {
  const { sourceId, secret } = sourceOf.get(county)!;
  const body = progressBody({
    taskId: 'T17',
    orgId: county,
    reportedAt: '2023-06-25T10:00:00+08:00',
    period: '2023-06',
    metrics: [{ kpiId: '8421-primary-schools', value }],
  });
  const res = await sendWebhook(api.url, { sourceId, secret, id: `msg_8421_${county}_${value}`, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

async function primarySchools(): Promise<KpiBody> {
  const body = await api.get<{ asOf: string; kpis: KpiBody[] }>(`/v1/plans/${PLAN_ID}/kpis`);
  expect(body.asOf).toBe('2023-07-03');
  return body.kpis.find((k) => k.kpiId === '8421-primary-schools')!;
}

describe('lights through the local runtime as of 2023-07-03', () => {
  it('(1) with no reports, the tasks late only on our assumed dates are yellow (节点日期待确认), not red', async () => {
    const plan = await api.get<PlanBody>(`/v1/plans/${PLAN_ID}`);
    expect(plan.asOf).toBe('2023-07-03');
    const byId = new Map(plan.tasks.map((t) => [t.taskId, t]));
    for (const taskId of ASSUMED) {
      expect(byId.get(taskId)!.status, taskId).toBe('yellow');
      expect(byId.get(taskId)!.reasons[0], taskId).toMatch(/^节点日期待确认：/);
    }
    // The 5.19 date is printed in the notice: T10 stays red, and it is the only red task.
    expect(plan.tasks.filter((t) => t.status === 'red').map((t) => t.taskId)).toEqual(['T10']);
    expect(plan.summary.red).toBe(1);

    const rankings = await api.get<RankingsBody>(`/v1/plans/${PLAN_ID}/rankings`);
    expect(rankings.orgs.find((o) => o.orgId === 'jn-sports-economy')).toMatchObject({ red: 0, overdue: 0 }); // T24's lead
    expect(rankings.orgs.find((o) => o.orgId === 'jn-party-office')).toMatchObject({ red: 0, overdue: 0 }); // T05's lead
  }, 60_000);

  it('(2) one county reporting 88 primary schools does not make the 8421 KPI done; each county shows its own status', async () => {
    await reportSchools('370811', 88);
    await api.drain();
    const k = await primarySchools();
    expect(k).toMatchObject({ value: 88, status: 'yellow', quota: { perOrgTarget: 8, units: 11, met: 1 } });
    expect(k.reasons[0]).toBe('11个县（市、区）中1个达到各自任务数（每个8所）');
    expect(k.byOrg).toHaveLength(11);
    expect(k.byOrg.find((o) => o.orgId === '370811')).toMatchObject({ value: 88, status: 'done', perOrgTarget: 8 });
    expect(k.byOrg.find((o) => o.orgId === '370881')).toMatchObject({ value: null, status: 'yellow' });

    // On T17 任城区 is judged on its own quotas; 曲阜市 (nothing reported) is yellow, not red.
    const t17 = await api.get<TaskBody>(`/v1/plans/${PLAN_ID}/tasks/T17`);
    expect(t17.byOrg.find((o) => o.orgId === '370881')).toMatchObject({ role: 'support', light: 'yellow' });
  }, 60_000);

  it('(2) done only when all 11 counties meet their own quota', async () => {
    const others = COUNTY_IDS.filter((c) => c !== '370811');
    for (const county of others.slice(0, 9)) await reportSchools(county, 8);
    await reportSchools(others[9]!, 7);
    await api.drain();
    const short = await primarySchools();
    expect(short).toMatchObject({ status: 'green', quota: { met: 10 } });
    expect(short.byOrg.find((o) => o.orgId === others[9])).toMatchObject({ value: 7, status: 'green' });

    await reportSchools(others[9]!, 8);
    await api.drain();
    expect(await primarySchools()).toMatchObject({ value: 88 + 80, status: 'done', quota: { met: 11 } });
    expect(await api.deadLetters()).toEqual([]);
  }, 90_000);
});
