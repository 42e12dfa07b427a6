import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../shared/ports/clock.js';
import type { EventBus } from '../shared/ports/bus.js';
import { QUEUES, SCHEDULES, STREAM_RELAY, type QueueName, type ScheduleName } from '../shared/routing.js';
import { FUNCTIONS } from '../infra/functions.js';
import { isOutboxInsert } from '../shared/adapters/dynamodb/outbox.js';
import { adminApi } from './admin.js';
import { bearerAuthorizer } from './auth.js';
import { LocalEventBus } from './bus.js';
import { QueueConsumer } from './consumer.js';
import type { Faults } from './faults.js';
import { writeJson } from './http-event.js';
import { lambdaContext, withTimeout } from './lambda-context.js';
import { jsonLinesOutbox, type OutboxReader } from './outbox-reader.js';
import { LocalQueue } from './queue.js';
import { NotWiredError } from './errors.js';
import type { JobEvent, LocalFunctions } from './registry.js';
import { createRouter } from './router.js';
import { LocalScheduler } from './scheduler.js';
import { staticSite } from './static.js';
import { StreamCheckpoints, StreamPoller, type StreamSource } from './stream.js';

export interface RuntimeOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Queues persist under `<dataDir>/queues`; the outbox is `<dataDir>/outbox.jsonl`. */
  dataDir: string;
  apiToken: string;
  /**
   * The supervision office's token (督查室): the only one office actions (`POST /v1/plans/…`) accept;
   * it reads too. Without it no caller holds the office role (office actions answer 403).
   */
  officeToken?: string;
  /** The business clock: schedules fire on it, jobs run as of it by default. */
  clock: Clock;
  region?: string;
  /** Local visibility timeout for every queue (SQS's is minutes; short here so retries are quick). Default 2 s. */
  visibilityTimeoutMs?: number;
  /**
   * Execution environments per queue consumer (concurrent batches). Default 4. With a functions
   * factory, each environment gets its own instance of the functions (the factory is called once per
   * environment, the first instance also serves HTTP and the jobs), so a handler never runs two
   * invocations at once, as in Lambda. With a plain functions object there is one environment.
   */
  consumerConcurrency?: number;
  faults?: Faults;
  /** `POST /v1/admin/drain` gives up with 504 after this. Default 30 s. */
  drainTimeoutMs?: number;
  /** API Gateway's integration timeout. Default 29 s. */
  httpTimeoutMs?: number;
  maxBodyBytes?: number;
  /** Arm the schedules of `SCHEDULES`. Default true. */
  schedules?: boolean;
  outbox?: OutboxReader;
  /**
   * The table's stream, read like Lambda's event source mapping and handed to the functions' `stream`
   * consumer (relay-outbox → the bus). Its checkpoints are kept in `<dataDir>/stream-checkpoints.jsonl`.
   */
  stream?: { source: StreamSource; idleMs?: number };
  log?: (line: string) => void;
  /** The built dashboard page served at `GET /` (default dist/web, see local/static.ts). */
  webDir?: string;
}

/** What the runtime gives the functions it hosts. */
export interface RuntimeServices {
  bus: EventBus;
  clock: Clock;
  queues: Record<QueueName, LocalQueue>;
  /** `Authorization: Bearer <API_TOKEN>` (or the office's token, which reads too), compared in constant time. */
  isAuthorized: (headers: Record<string, string | undefined>) => boolean;
  /** `Authorization: Bearer <OFFICE_TOKEN>`: the office role. */
  isOffice: (headers: Record<string, string | undefined>) => boolean;
  /** A queue handler tells why it failed a record; the reason is kept with the record if it goes to the DLQ. */
  onRecordFailure: (messageId: string, reason: string) => void;
}

export type FunctionsFactory = (services: RuntimeServices) => LocalFunctions | Promise<LocalFunctions>;

export interface Runtime {
  url: string;
  port: number;
  bus: LocalEventBus;
  queues: Record<QueueName, LocalQueue>;
  scheduler: LocalScheduler;
  /** Stops accepting, finishes in-flight requests, jobs and batches, closes the queue logs. */
  stop(): Promise<void>;
}

const JOB_TIMEOUT_MS = 15 * 60_000;

/**
 * The whole system on one machine, minus DynamoDB: an HTTP server shaped like the HTTP API, the
 * in-process bus, SQS-like queues with their consumers, and the schedules, hosting `functions`.
 * This file is the lifecycle (start in order, stop in reverse, draining); the HTTP routing is
 * local/router.ts and the admin API local/admin.ts.
 */
export async function startRuntime(options: RuntimeOptions, functions: LocalFunctions | FunctionsFactory): Promise<Runtime> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'local';
  const log = options.log ?? ((line: string) => console.error(`[local] ${line}`));
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 2_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  const httpTimeoutMs = options.httpTimeoutMs ?? 29_000;
  const maxBodyBytes = options.maxBodyBytes;
  const outbox = options.outbox ?? jsonLinesOutbox(join(options.dataDir, 'outbox.jsonl'));
  const isReader = bearerAuthorizer(options.apiToken);
  const isOffice = options.officeToken === undefined ? () => false : bearerAuthorizer(options.officeToken);
  const isAuthorized = (headers: Record<string, string | undefined>) => isReader(headers) || isOffice(headers);

  const queueNames = Object.keys(QUEUES) as QueueName[];
  const queues = {} as Record<QueueName, LocalQueue>;
  for (const name of queueNames) {
    queues[name] = await LocalQueue.open({
      name,
      dir: join(options.dataDir, 'queues'),
      maxReceiveCount: QUEUES[name].maxReceiveCount,
      visibilityTimeoutMs,
    });
    const d = queues[name].depth();
    if (d.visible + d.dead > 0) log(`queue ${name}: ${d.visible} message(s) waiting, ${d.dead} dead letter(s) from the last run`);
  }
  const bus = new LocalEventBus({ queues, region, faultShare: options.faults?.eventbridge ?? 0 });
  const reasons = new Map<string, string>();
  const onRecordFailure = (messageId: string, reason: string) => {
    if (reasons.size > 10_000) reasons.clear();
    reasons.set(messageId, reason);
  };
  const takeReason = (messageId: string) => {
    const r = reasons.get(messageId);
    reasons.delete(messageId);
    return r;
  };
  const services: RuntimeServices = { bus, clock: options.clock, queues, isAuthorized, isOffice, onRecordFailure };
  const environments =
    typeof functions === 'function'
      ? await Promise.all(Array.from({ length: Math.max(1, options.consumerConcurrency ?? 4) }, async () => functions(services)))
      : [functions];
  const fns = environments[0]!;

  const consumers: QueueConsumer[] = [];
  for (const name of queueNames) {
    const consumer = QUEUES[name].consumer;
    const handlers = environments.map((env) => env[consumer]).filter((h) => h !== undefined);
    if (handlers.length === 0) {
      log(`queue ${name}: no consumer wired (${consumer}); its messages wait`);
      continue;
    }
    consumers.push(
      new QueueConsumer({
        queue: queues[name],
        handlers,
        functionName: consumer,
        batchSize: QUEUES[name].batchSize,
        timeoutMs: FUNCTIONS[consumer].timeoutSeconds * 1000,
        region,
        log,
        takeReason,
      }),
    );
  }

  let relay: StreamPoller | undefined;
  const streamHandler = fns[STREAM_RELAY.consumer];
  if (options.stream && streamHandler) {
    relay = new StreamPoller({
      source: options.stream.source,
      checkpoints: await StreamCheckpoints.open(join(options.dataDir, 'stream-checkpoints.jsonl'), options.stream.source.streamArn),
      handler: streamHandler,
      filter: (r) => isOutboxInsert(r),
      batchSize: STREAM_RELAY.batchSize,
      functionName: STREAM_RELAY.consumer,
      timeoutMs: FUNCTIONS[STREAM_RELAY.consumer].timeoutSeconds * 1000,
      region,
      ...(options.stream.idleMs !== undefined ? { idleMs: options.stream.idleMs } : {}),
      log,
    });
  } else if (options.stream) {
    log(`table stream: no consumer wired (${STREAM_RELAY.consumer}); accepted messages stay in the table`);
  }

  const runningJobs = new Set<Promise<unknown>>();
  const runJob = (name: ScheduleName, event: JobEvent): Promise<unknown> => {
    const job = fns[name];
    if (!job) return Promise.reject(new NotWiredError(name));
    const p = withTimeout(job(event, lambdaContext(name, JOB_TIMEOUT_MS, region)), name, JOB_TIMEOUT_MS);
    runningJobs.add(p);
    void p.catch(() => undefined).finally(() => runningJobs.delete(p));
    return p;
  };
  const scheduler = new LocalScheduler({
    clock: options.clock,
    run: (name, now) => runJob(name, { now }),
    names: (Object.keys(SCHEDULES) as ScheduleName[]).filter((n) => fns[n]),
    log,
  });

  const idle = () => queueNames.every((n) => queues[n].isEmpty()) && runningJobs.size === 0;
  const drain = async (): Promise<boolean> => {
    const started = Date.now();
    const deadline = started + drainTimeoutMs;
    // Everything accepted before the drain began is in the stream: the relay must have read to its end since.
    while (!(relay?.caughtUpSince(started) ?? true) || !idle()) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  };
  const status = () => ({
    queues: Object.fromEntries(
      queueNames.map((n) => [n, { ...queues[n].depth(), consumer: fns[QUEUES[n].consumer] ? QUEUES[n].consumer : null }]),
    ),
    schedules: scheduler.nextRuns(),
    businessTime: options.clock.now().toISOString(),
    faults: options.faults ?? {},
  });

  const route = createRouter({
    fns,
    host,
    port: () => (server.address() as AddressInfo).port,
    region,
    httpTimeoutMs,
    maxBodyBytes,
    admin: adminApi({ queues, clock: options.clock, outbox, drainTimeoutMs, isAuthorized, runJob, drain, status, log }),
    site: staticSite(options.webDir),
    log,
  });

  let stopping = false;
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    if (stopping) return writeJson(res, 503, { message: 'Service Unavailable' }, { connection: 'close' });
    const p = route(req, res)
      .catch((err: unknown) => {
        log(`request ${req.method} ${req.url} failed: ${err instanceof Error ? err.stack : String(err)}`);
        if (!res.headersSent) writeJson(res, 500, { message: 'Internal Server Error' });
        else res.destroy();
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  server.requestTimeout = 60_000;

  for (const c of consumers) c.start();
  relay?.start();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await relay?.stop();
    await Promise.all(consumers.map((c) => c.stop()));
    await Promise.all(queueNames.map((n) => queues[n].close()));
    throw err;
  }
  if (options.schedules ?? true) scheduler.start();
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await Promise.all([...inFlight]);
      await scheduler.stop();
      await Promise.all([...runningJobs].map((p) => p.catch(() => undefined)));
      await relay?.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      await Promise.all(queueNames.map((n) => queues[n].close()));
      server.closeAllConnections();
      await closed;
    })());

  return { url: `http://${host}:${port}`, port, bus, queues, scheduler, stop };
}
