/**
 * `npm start`: the whole system on this machine — DynamoDB Local (Java 17+), the table, the
 * in-process bus and queues, the schedules, and the HTTP API on 127.0.0.1:$PORT. See local/README.md.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { documentClient } from '../shared/adapters/aws/clients.js';
import { OutboxNotifier } from '../shared/adapters/notify/outbox.js';
import { offsetClock, systemClock } from '../shared/time/clocks.js';
import { resolveTokens } from './api-token.js';
import { listPlans } from '../shared/plan/catalog.js';
import { errorMessage } from '../shared/errors.js';
import { ConfigError, loadSources, readConfig } from './config.js';
import { assertJava, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { JavaMissingError, SameTokenError, StopRequested } from './errors.js';
import type { FunctionName } from '../infra/functions.js';
import { dynamoDbShareFor, injectDynamoDbFaults } from './faults.js';
import { localFunctions } from './functions.js';
import { startRuntime, type Runtime } from './runtime.js';
import { dynamoDbStream } from './stream.js';
import { ensureTable } from './table.js';
import { startWatchdog } from './watchdog.js';

const progress = (line: string) => process.stderr.write(`[local] ${line}\n`);

/** What is running, so that a signal at any point stops exactly that. */
const running: { ddb?: DynamoDbLocal; watchdog?: ChildProcess; clients: Array<{ destroy(): void }>; runtime?: Runtime } = { clients: [] };
let stopping = false;

function checkpoint(): void {
  if (stopping) throw new StopRequested('stop requested while starting');
}

async function shutdown(): Promise<void> {
  await running.runtime?.stop();
  for (const c of running.clients) c.destroy();
  await running.ddb?.stop();
  const w = running.watchdog;
  if (w?.pid !== undefined && w.exitCode === null && w.signalCode === null) {
    try {
      process.kill(w.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = readConfig();
  const sources = await loadSources(config.sourcesFile);
  await mkdir(config.dataDir, { recursive: true });
  const { api: apiToken, office: officeToken } = await resolveTokens(
    { apiToken: config.apiToken, officeToken: config.officeToken },
    config.dataDir,
  );
  progress(
    `DATA_DIR=${config.dataDir} PORT=${config.port} SOURCES_FILE=${config.sourcesFile} (${sources.length} source(s): ${sources.map((s) => s.sourceId).join(', ')})`,
  );
  const clock = config.clockStart ? offsetClock(config.clockStart) : systemClock;
  if (config.clockStart)
    progress(
      `business clock starts at ${config.clockStart.toISOString()} and runs on (webhook timestamps are checked against the real clock)`,
    );
  if (Object.keys(config.faults).length > 0) progress(`FAULT INJECTION ON: ${JSON.stringify(config.faults)}`);

  assertJava();
  progress('starting DynamoDB Local…');
  const ddb = await startDynamoDbLocal({ dbPath: join(config.dataDir, 'dynamodb') });
  running.ddb = ddb;
  const javaPid = ddb.process.pid ?? -1;
  // Stop Java even if this process dies without stopping it (kill -9, crash).
  running.watchdog = startWatchdog(process.pid, javaPid, config.dataDir);
  process.once('exit', () => {
    if (ddb.process.exitCode === null && ddb.process.signalCode === null) ddb.process.kill('SIGKILL');
  });
  progress(`DynamoDB Local on ${ddb.endpoint} (pid ${javaPid}), data in ${join(config.dataDir, 'dynamodb')}`);
  ddb.process.once('exit', (code, signal) => {
    if (stopping) return;
    stopping = true;
    progress(`DynamoDB Local exited unexpectedly (${signal ?? `code ${code}`}): stopping`);
    void shutdown()
      .catch(() => undefined)
      .finally(() => process.exit(1));
  });
  checkpoint();

  const newClient = (fn?: FunctionName) => {
    const c = new DynamoDBClient({
      endpoint: ddb.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const share = fn ? dynamoDbShareFor(config.faults, fn) : config.faults.dynamodb;
    if (share) injectDynamoDbFaults(c, share);
    running.clients.push(c);
    return c;
  };
  const client = new DynamoDBClient({
    endpoint: ddb.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  running.clients.push(client);
  const table = await ensureTable(client, config.tableName);
  progress(
    `table ${config.tableName}: ${table.table === 'created' ? 'created from shared/adapters/dynamodb/table-definition.ts' : 'exists'}; stream ${table.streamArn}`,
  );
  // The stream reader stands in for the relay's event source mapping, which AWS runs (and retries) for
  // us: FAULTS=dynamodb is about our own table calls and is not injected here. FAULTS=eventbridge
  // still fails the relay's publishes, which it retries from the first record not taken.
  const streams = new DynamoDBStreamsClient({
    endpoint: ddb.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  running.clients.push(streams);
  progress(
    `plans are code (shared/plan/catalog.ts), nothing to seed: ${listPlans()
      .map((p) => p.planId)
      .join(', ')}`,
  );
  checkpoint();

  const outbox = new OutboxNotifier({ file: join(config.dataDir, 'outbox.jsonl'), now: () => clock.now() });
  const runtime = await startRuntime(
    {
      port: config.port,
      dataDir: config.dataDir,
      apiToken: apiToken.token,
      officeToken: officeToken.token,
      clock,
      faults: config.faults,
      visibilityTimeoutMs: config.visibilityTimeoutMs,
      consumerConcurrency: config.consumerConcurrency,
      outbox: { list: async () => outbox.list() },
      stream: {
        source: dynamoDbStream(streams, table.streamArn, 'local'),
        ...(config.streamIdleMs !== undefined ? { idleMs: config.streamIdleMs } : {}),
      },
      log: progress,
    },
    localFunctions({
      documentClient: (fn) => documentClient(newClient(fn)),
      tableName: config.tableName,
      sources,
      clock,
      outbox,
      cursorSecret: apiToken.token,
      ...(config.rateLimit ? { rateLimit: config.rateLimit } : {}),
    }),
  );
  running.runtime = runtime;
  checkpoint();

  const next = runtime.scheduler.nextRuns();
  progress(
    `schedules (Asia/Shanghai, business clock): ${Object.entries(next)
      .map(([k, v]) => `${k} next at ${v}`)
      .join('; ')}`,
  );
  const where = (t: typeof apiToken, env: string) =>
    ({ env: `from ${env}`, file: `kept in ${t.file}`, generated: `generated now, kept in ${t.file}` })[t.origin];
  progress(`API token: ${apiToken.token}   (${where(apiToken, 'API_TOKEN')}; Authorization: Bearer ${apiToken.token})`);
  progress(`office token (督查室: reviews, amendments): ${officeToken.token}   (${where(officeToken, 'OFFICE_TOKEN')})`);
  progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`listening on ${runtime.url}`);
}

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    progress(`${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  progress(`${signal}: stopping (finishing in-flight work)…`);
  const force = setTimeout(() => {
    progress('did not stop within 60 s: exiting');
    process.exit(1);
  }, 60_000);
  force.unref();
  // While starting, main() notices `stopping` at its next checkpoint and stops what it started.
  if (!running.runtime) return;
  shutdown().then(
    () => {
      progress('stopped');
      process.exit(0);
    },
    (err: unknown) => {
      progress(`error while stopping: ${errorMessage(err)}`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main().catch(async (err: unknown) => {
  if (err instanceof StopRequested) {
    await shutdown().catch(() => undefined);
    progress('stopped');
    process.exit(0);
  }
  if (err instanceof JavaMissingError || err instanceof ConfigError || err instanceof SameTokenError) {
    progress(err.message);
  } else if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    progress(`port already in use: ${errorMessage(err)}. Set PORT to a free port.`);
  } else {
    progress(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  await shutdown().catch(() => undefined);
  process.exit(1);
});
