import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { documentClient } from '../shared/adapters/aws/clients.js';
import { createTableInput } from '../shared/adapters/dynamodb/table-definition.js';
import { SourcesFile } from '../shared/ingest/sources.js';
import { freePort } from '../local/dynamodb-local.js';

export interface PipelineResult {
  events: number;
  concurrency: number;
  eventsPerSecond: number;
  ceilingPerSecond: number;
  ratio: number;
  /** From the 202 to the figure being readable through the read API (`GET …/kpis`), one report at a time. */
  freshness: { probes: number; p50Ms: number; p99Ms: number; maxMs: number };
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Progress events per second end to end through the local runtime (`tsx local/main.ts`): signed HTTP
 * webhooks → ingest's outbox record in DynamoDB Local → the table's stream → relay → in-process bus →
 * durable queue → apply-progress → DynamoDB Local, until `/v1/admin/drain` says the stream is read to
 * its end and every queue is empty. The ceiling is the raw PutItem rate of the same DynamoDB Local
 * through the same SDK with the same concurrency. Then freshness: `probes` reports sent one at a
 * time, each timed from its 202 until the read API serves its figure.
 */
export async function benchPipeline(options: {
  events: number;
  concurrency: number;
  probes: number;
  progress: (m: string) => void;
}): Promise<PipelineResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
  const port = await freePort();
  const token = 'bench-token';
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['local/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      API_TOKEN: token,
      SOURCE_RATE_PER_SECOND: '0',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let endpoint = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    endpoint ||= /DynamoDB Local on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1] ?? '';
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`runtime did not start: ${stderr.slice(-1500)}`)), 90_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}: ${stderr.slice(-1500)}`)));
  });
  try {
    options.progress(`pipeline: runtime at ${url}, DynamoDB Local at ${endpoint}`);
    const sources = SourcesFile.parse(JSON.parse(readFileSync('config/sources.local.json', 'utf8'))).sources;
    const source = sources.find((s) => s.types.includes('progress.submitted') && s.orgIds.some((o) => /^\d{6}$/.test(o)))!;
    const orgId = source.orgIds.find((o) => /^\d{6}$/.test(o))!;
    const wh = new Webhook(source.secrets[0]!);
    const body = (i: number, value: number) => {
      // Within the plan's year and not after the receipt (message checks); the envelope's time is the report's.
      const reportedAt = new Date(Date.UTC(2023, 5, 1) + i * 60_000).toISOString();
      return JSON.stringify({
        type: 'progress.submitted',
        timestamp: reportedAt,
        data: {
          planId: 'jining-sports-2023',
          taskId: 'T08',
          orgId,
          reportedAt,
          period: '2023-06',
          status: 'in_progress',
          percentComplete: i % 100,
          metrics: [{ kpiId: 'sports-clubs', value }],
          summary: '基准测试',
          evidence: [],
        },
      });
    };
    const send = async (i: number, b: string) => {
      const id = `msg_pipeline_${i}`;
      const now = new Date();
      const res = await fetch(`${url}/v1/webhooks/${source.sourceId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': wh.sign(id, now, b),
        },
        body: b,
      });
      if (res.status !== 202) throw new Error(`webhook ${i} answered ${res.status}: ${await res.text()}`);
    };
    const bodies = Array.from({ length: options.events }, (_, i) => body(i, i));
    const started = performance.now();
    await pool(
      bodies.map((b, i) => ({ b, i })),
      options.concurrency,
      async ({ b, i }) => send(i, b),
    );
    options.progress(`pipeline: ${options.events} webhooks accepted, draining`);
    const drained = await fetch(`${url}/v1/admin/drain`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (drained.status !== 200) throw new Error(`drain answered ${drained.status}`);
    const seconds = (performance.now() - started) / 1000;
    const eventsPerSecond = Math.round(options.events / seconds);

    const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const doc = documentClient(client);
    const tableName = 'bench-ceiling';
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    const t0 = performance.now();
    await pool(
      Array.from({ length: options.events }, (_, i) => i),
      options.concurrency,
      async (i) => {
        await doc.send(new PutCommand({ TableName: tableName, Item: { pk: `P#${i}`, sk: 'S', value: i, summary: '基准测试' } }));
      },
    );
    const ceilingPerSecond = Math.round(options.events / ((performance.now() - t0) / 1000));
    client.destroy();

    // Freshness: each probe is newer than everything before it, with a value no report had.
    const figure = async (): Promise<number | undefined> => {
      const res = await fetch(`${url}/v1/plans/jining-sports-2023/kpis`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`read API answered ${res.status}`);
      const kpis = (await res.json()) as { kpis: Array<{ kpiId: string; byOrg: Array<{ orgId: string; value: number | null }> }> };
      return kpis.kpis.find((k) => k.kpiId === 'sports-clubs')?.byOrg.find((o) => o.orgId === orgId)?.value ?? undefined;
    };
    const samples: number[] = [];
    for (let p = 0; p < options.probes; p++) {
      const i = options.events + p;
      const value = 1_000_000 + p;
      await send(i, body(i, value));
      const accepted = performance.now();
      for (;;) {
        if ((await figure()) === value) break;
        if (performance.now() - accepted > 30_000) throw new Error(`probe ${p}: figure not readable after 30 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
      samples.push(performance.now() - accepted);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!);
    const freshness = { probes: samples.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(samples[samples.length - 1]!) };
    options.progress(`pipeline: freshness p50 ${freshness.p50Ms} ms, p99 ${freshness.p99Ms} ms over ${freshness.probes} probes`);
    return {
      events: options.events,
      concurrency: options.concurrency,
      eventsPerSecond,
      ceilingPerSecond,
      ratio: Math.round((eventsPerSecond / ceilingPerSecond) * 1000) / 1000,
      freshness,
    };
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
