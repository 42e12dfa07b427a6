import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook } from '../../clients/ts/signing.js';
import { SourcesFile } from '../../shared/ingest/sources.js';
import { messageOrder } from '../../shared/kpi/order.js';
import type { OutboxEntry } from '../../shared/adapters/notify/outbox.js';
import { descendants, isRunning, startLocal, waitUntil, type LocalProcess } from './local-process.js';

/**
 * Helpers for the end-to-end tests that drive `npm start`'s runtime over HTTP like a county system
 * (signed webhooks, retries with the same webhook-id) and like the supervision office (read API, admin).
 */

export const PLAN_ID = 'jining-sports-2023';
export const TOKEN = 'e2e-token';
/** The supervision office's token (OFFICE_TOKEN): reviews of completion claims, amendments. */
export const OFFICE_TOKEN = 'e2e-office-token';
/** Evidence (佐证材料) for a completion claim: a claim without any is refused (issue 15). */
export const EVIDENCE = [{ title: '办结佐证材料', url: 'https://example.gov.cn/e2e/evidence.pdf' }] as const;
/** Long mode (`LONG=1 npx vitest run tests/e2e/…`, or `npm run test:long`): the sizes the issues ask for. */
export const LONG = Boolean(process.env.LONG);

/** The committed dev-only sources of the local runtime: sourceId → { secrets, orgIds }. */
export function localSources(): Map<string, { secrets: string[]; orgIds: string[] }> {
  const file = SourcesFile.parse(JSON.parse(readFileSync(new URL('../../config/sources.local.json', import.meta.url), 'utf8')));
  return new Map(file.sources.map((s) => [s.sourceId, { secrets: s.secrets, orgIds: s.orgIds }]));
}

export function secretOf(sourceId: string): string {
  const secret = localSources().get(sourceId)?.secrets[0];
  if (!secret) throw new Error(`config/sources.local.json has no source ${sourceId}`);
  return secret;
}

export async function tempDataDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `e2e-${prefix}-`));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The benchmark's seeded PRNG (mulberry32), so that a failing run can be replayed. */
export { seeded as seededRandom } from '../../bench/load.js';

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

// ─── webhooks ────────────────────────────────────────────────────────────────

/** The three Standard Webhooks headers, signed now (the runtime checks the real clock). */
export function signedHeaders(secret: string, id: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', ...signWebhook({ secret, id, body }) };
}

export interface ProgressInput {
  taskId?: string;
  orgId: string;
  reportedAt: string;
  period?: string;
  status?: 'not_started' | 'in_progress' | 'completed' | 'blocked';
  metrics?: Array<{ kpiId: string; value: number }>;
  completedMilestoneIds?: string[];
  summary?: string;
  /** Default none; a `completed` report (a completion claim) needs at least one. */
  evidence?: ReadonlyArray<{ title: string; url: string }>;
}

/** The exact bytes of a `progress.submitted` webhook body. */
export function progressBody(input: ProgressInput): string {
  return JSON.stringify({
    type: 'progress.submitted',
    timestamp: input.reportedAt,
    data: {
      planId: PLAN_ID,
      taskId: input.taskId ?? 'T08',
      orgId: input.orgId,
      reportedAt: input.reportedAt,
      period: input.period ?? input.reportedAt.slice(0, 7),
      status: input.status ?? 'in_progress',
      metrics: input.metrics ?? [],
      ...(input.completedMilestoneIds ? { completedMilestoneIds: input.completedMilestoneIds } : {}),
      summary: input.summary ?? '',
      evidence: input.evidence ?? [],
    },
  });
}

export function eventBody(input: {
  eventId: string;
  orgId: string;
  status: 'planned' | 'held' | 'cancelled';
  taskIds: string[];
  timestamp: string;
  category?: string;
}): string {
  return JSON.stringify({
    type: 'event.registered',
    timestamp: input.timestamp,
    data: {
      planId: PLAN_ID,
      eventId: input.eventId,
      orgId: input.orgId,
      name: '2023济宁国际马拉松',
      category: input.category ?? 'marathon',
      level: 'international',
      startDate: '2023-11-05',
      endDate: '2023-11-05',
      venue: '济宁市体育中心',
      taskIds: input.taskIds,
      status: input.status,
    },
  });
}

export interface SendResult {
  /** The last answer's status; 0 when the connection failed (e.g. the runtime was killed). */
  status: number;
  attempts: number;
  body: unknown;
}

const isRetryable = (status: number) => status === 0 || status === 429 || status >= 500;

/**
 * POSTs a signed webhook. With `retries`, behaves like a county system: a 5xx, a 429 or a failed
 * connection is retried with the same webhook-id and body (re-signed with a fresh timestamp).
 */
export async function sendWebhook(
  url: string,
  options: { sourceId: string; secret?: string; id: string; body: string; retries?: number; retryDelayMs?: number; timeoutMs?: number },
): Promise<SendResult> {
  const secret = options.secret ?? secretOf(options.sourceId);
  const retries = options.retries ?? 0;
  let attempts = 0;
  for (;;) {
    attempts++;
    let status = 0;
    let body: unknown = null;
    let retryAfterMs = 0;
    try {
      const res = await fetch(`${url}/v1/webhooks/${options.sourceId}`, {
        method: 'POST',
        headers: signedHeaders(secret, options.id, options.body),
        body: options.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      status = res.status;
      body = await res.json().catch(() => null);
      const ra = Number(res.headers.get('retry-after'));
      if (status === 429 && Number.isFinite(ra)) retryAfterMs = ra * 1000;
    } catch {
      status = 0;
    }
    if (!isRetryable(status) || attempts > retries) return { status, attempts, body };
    await sleep(Math.max(retryAfterMs, (options.retryDelayMs ?? 50) * Math.min(attempts, 10)));
  }
}

// ─── read API and admin ──────────────────────────────────────────────────────

export class Api {
  constructor(
    readonly url: string,
    readonly token = TOKEN,
  ) {}

  private get auth() {
    return { authorization: `Bearer ${this.token}` };
  }

  /** GET with the bearer token; 5xx (injected faults) are retried. Throws unless the answer is 200. */
  async get<T>(path: string, attempts = 20): Promise<T> {
    let last = '';
    for (let i = 0; i < attempts; i++) {
      const res = await fetch(`${this.url}${path}`, { headers: this.auth });
      if (res.status === 200) return (await res.json()) as T;
      last = `${res.status} ${await res.text()}`;
      if (res.status < 500) break;
      await sleep(100);
    }
    throw new Error(`GET ${path}: ${last}`);
  }

  async post<T>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { ...this.auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** `POST /v1/admin/drain` until it answers 200 (each call gives up with 504 after 30 s). */
  async drain(maxCalls = 6): Promise<void> {
    let last = 0;
    for (let i = 0; i < maxCalls; i++) {
      const res = await this.post<unknown>('/v1/admin/drain');
      last = res.status;
      if (res.status === 200) return;
      if (res.status !== 504) break;
    }
    throw new Error(`drain did not finish (last answer ${last})`);
  }

  /** Every digest the local runtime delivered (its outbox channel), oldest first. */
  async outbox(): Promise<OutboxEntry[]> {
    return (await this.get<{ items: OutboxEntry[] }>('/v1/admin/outbox')).items;
  }

  /** Runs a job as of `now` (admin endpoint), expecting 200. */
  async job<S>(name: 'aggregate-kpis' | 'send-reminders', body: Record<string, unknown>): Promise<S> {
    const res = await this.post<{ summary: S }>(`/v1/admin/jobs/${name}`, body);
    if (res.status !== 200) throw new Error(`job ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.summary;
  }

  /**
   * The office's decision on a unit's completion claim (`POST …/tasks/{taskId}/reviews`) with the
   * office token; the answer as it comes (status and body).
   */
  async review<T = Record<string, unknown>>(
    taskId: string,
    body: { orgId: string; decision: 'approve' | 'return'; comment?: string },
    token = OFFICE_TOKEN,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}/v1/plans/${PLAN_ID}/tasks/${taskId}/reviews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Every report of a task in the audit trail (all pages of `GET /v1/plans/{planId}/tasks/{taskId}`). */
  async reports(taskId: string): Promise<StoredReportView[]> {
    const out: StoredReportView[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: { reports: { items: StoredReportView[]; nextCursor: string | null } } = await this.get(
        `/v1/plans/${PLAN_ID}/tasks/${taskId}?limit=100${q}`,
      );
      out.push(...page.reports.items);
      cursor = page.reports.nextCursor;
    } while (cursor);
    return out;
  }

  async kpi(kpiId: string): Promise<KpiView> {
    const body = await this.get<{ kpis: KpiView[] }>(`/v1/plans/${PLAN_ID}/kpis`);
    const k = body.kpis.find((x) => x.kpiId === kpiId);
    if (!k) throw new Error(`no KPI ${kpiId}`);
    return k;
  }

  async deadLetters(): Promise<DeadLetterView[]> {
    const body = await this.get<{ queues: Record<string, DeadLetterView[]>; total: number }>('/v1/admin/dlq');
    return Object.values(body.queues).flat();
  }
}

export interface StoredReportView {
  webhookId: string;
  sourceId: string;
  orgId: string;
  reportedAt: string;
  metrics: Array<{ kpiId: string; value: number }>;
}

export interface KpiView {
  kpiId: string;
  value: number | null;
  byOrg: Array<{ orgId: string; value: number; reportedAt: string }>;
}

export interface DeadLetterView {
  messageId: string;
  reason?: string;
  receiveCount: number;
  message: { 'detail-type'?: string; detail?: { webhookId?: string } };
}

// ─── a workload of progress reports ──────────────────────────────────────────

/** The sources that report figures for T08 (sports-clubs), with the unit each reports for. */
export const REPORTERS = [
  { sourceId: 'rencheng', orgId: '370811' },
  { sourceId: 'qufu', orgId: '370881' },
  { sourceId: 'mass-sports', orgId: 'jn-mass-sports' },
] as const;

export interface PlannedReport {
  id: string;
  sourceId: string;
  orgId: string;
  reportedAt: string;
  value: number;
  body: string;
}

/**
 * `n` distinct `progress.submitted` reports of T08's `sports-clubs` figure, spread over the reporters.
 * `reportedAt` is drawn from few instants, written with different offsets, so that ties (broken by
 * webhook-id) and UTC normalisation both matter for "the latest report wins".
 */
export function plannedReports(n: number, random: () => number, prefix: string): PlannedReport[] {
  const out: PlannedReport[] = [];
  for (let i = 0; i < n; i++) {
    const r = REPORTERS[Math.floor(random() * REPORTERS.length)]!;
    const day = 1 + Math.floor(random() * 20);
    const hour = 8 + Math.floor(random() * 3);
    const utc = Date.UTC(2023, 5, day, hour - 8, 0, 0);
    const reportedAt = random() < 0.5 ? isoWithOffset(utc, 8) : isoWithOffset(utc, 0);
    const value = Math.floor(random() * 1000);
    const id = `${prefix}_${i}`;
    out.push({
      id,
      sourceId: r.sourceId,
      orgId: r.orgId,
      reportedAt,
      value,
      body: progressBody({ orgId: r.orgId, reportedAt, metrics: [{ kpiId: 'sports-clubs', value }] }),
    });
  }
  return out;
}

function isoWithOffset(utcMs: number, offsetHours: number): string {
  const local = new Date(utcMs + offsetHours * 3_600_000).toISOString().slice(0, 19);
  return `${local}${offsetHours === 0 ? '+00:00' : `+${String(offsetHours).padStart(2, '0')}:00`}`;
}

/** The last-writer-wins order of a report, as the consumers compare it (shared/kpi/order.ts). */
export const reportOrder = (r: { reportedAt: string; sourceId: string; id?: string; webhookId?: string }) =>
  messageOrder(r.reportedAt, r.sourceId, r.id ?? r.webhookId ?? '');

/** Per unit, the value of its latest report by (reportedAt, webhookId). */
export function expectedFigures(reports: readonly PlannedReport[]): Map<string, number> {
  const best = new Map<string, PlannedReport>();
  for (const r of reports) {
    const cur = best.get(r.orgId);
    if (!cur || reportOrder(r) > reportOrder(cur)) best.set(r.orgId, r);
  }
  return new Map([...best].map(([orgId, r]) => [orgId, r.value]));
}

/** The `sports-clubs` figure of each unit as the read API shows it. */
export async function figuresOf(api: Api): Promise<{ city: number | null; byOrg: Map<string, number> }> {
  const k = await api.kpi('sports-clubs');
  return { city: k.value, byOrg: new Map(k.byOrg.map((f) => [f.orgId, f.value])) };
}

/** Counts of each value in a list. */
export function counts(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

// ─── processes ───────────────────────────────────────────────────────────────

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The runtime's process tree (DynamoDB Local's Java, the watchdog, …) and its Java processes. */
export function processTree(p: LocalProcess): { all: number[]; java: number[] } {
  const all = descendants(p.child.pid!);
  return { all, java: all.filter((pid) => /\bjava\b/.test(cmdline(pid))) };
}

/** True once none of `pids` runs any more. */
export function allGone(pids: readonly number[], timeoutMs = 15_000): Promise<boolean> {
  return waitUntil(() => pids.every((pid) => !isRunning(pid)), timeoutMs);
}

/**
 * The process that runs the runtime itself. `startLocal` spawns tsx, which runs `local/main.ts` in a
 * child node process: a SIGKILL to tsx would leave that child (and DynamoDB Local) running.
 */
export function runtimePid(p: LocalProcess): number {
  const inner = descendants(p.child.pid!).find((pid) => cmdline(pid).includes('local/main.ts'));
  if (inner === undefined) throw new Error('the runtime process (local/main.ts) is not running under tsx');
  return inner;
}

const exited = (p: LocalProcess) => p.child.exitCode !== null || p.child.signalCode !== null;

/** kill -9 of the runtime process itself (as a crash would), then waits for tsx to notice. */
export async function crash(p: LocalProcess): Promise<void> {
  process.kill(runtimePid(p), 'SIGKILL');
  if (!(await waitUntil(() => exited(p), 10_000))) p.child.kill('SIGKILL');
}

/**
 * Stops a runtime for good whatever state it is in: SIGTERM (tsx relays it), and if it has not exited
 * within `graceMs`, SIGKILL to the runtime process and to tsx. Resolves with tsx's exit code.
 */
export async function stopLocal(p: LocalProcess | undefined, graceMs = 20_000): Promise<number | null> {
  if (!p || exited(p)) return p?.child.exitCode ?? null;
  const tree = descendants(p.child.pid!);
  p.child.kill('SIGTERM');
  if (!(await waitUntil(() => exited(p), graceMs))) {
    for (const pid of tree) {
      if (isRunning(pid) && cmdline(pid).includes('local/main.ts')) process.kill(pid, 'SIGKILL');
    }
    p.child.kill('SIGKILL');
    await waitUntil(() => exited(p), 5_000);
  }
  await allGone(tree);
  return p.child.exitCode;
}

/** `startLocal` with the e2e defaults (token, business clock) merged under `env`. */
export async function launch(dataDir: string, env: Record<string, string> = {}): Promise<{ p: LocalProcess; api: Api }> {
  const p = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, OFFICE_TOKEN, ...env } });
  return { p, api: new Api(p.url) };
}

/** The one digest of `orgId` among `sent` (a test failure naming the units that got one otherwise). */
export function digestOf(sent: readonly OutboxEntry[], orgId: string): OutboxEntry {
  const d = sent.find((s) => s.orgId === orgId);
  if (!d) throw new Error(`no digest for ${orgId} among ${sent.map((s) => s.orgId).join(', ')}`);
  return d;
}
