/**
 * `npm run bench [-- --quick] [-- --region us-east-1]`: measures ingest CPU against its floor, the
 * end-to-end pipeline against DynamoDB Local's PutItem ceiling, consumed capacity at 1×/10×/100×
 * the reports, cold starts, and a cost model; writes bench/results/latest.json and latest.md.
 * Sizes and seeds are fixed so that runs compare across commits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchIngest } from './ingest.js';
import { benchCapacity } from './capacity.js';
import { benchColdStart } from './cold-start.js';
import { benchDashboard, renderDashboardMarkdown } from './dashboard.js';
import { benchPipeline } from './pipeline.js';
import { reminderRunner } from './reminders.js';
import { costPerMillion, DEFAULT_ASSUMPTIONS, IDEMPOTENCY_EXTRA_WRITE_UNITS } from './cost.js';
import { seeded, reportingPairs } from './load.js';
import { renderMarkdown } from './report.js';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { getPlan } from '../shared/plan/catalog.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const regionArg = args.indexOf('--region');
const region = regionArg >= 0 ? args[regionArg + 1]! : 'us-east-1';
const SEED = 20230101;

const SIZES = quick
  ? { ingestRequests: 2_000, pipelineEvents: 300, pipelineConcurrency: 16, capacityPairs: 20, coldStartRuns: 3 }
  : { ingestRequests: 20_000, pipelineEvents: 3_000, pipelineConcurrency: 32, capacityPairs: reportingPairs(getPlan('jining-sports-2023')!).length, coldStartRuns: 7 };

const started = Date.now();
const progress = (msg: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

async function main() {
  progress(`mode ${quick ? 'quick' : 'full'}, region ${region}, seed ${SEED}`);
  progress(`ingest: ${SIZES.ingestRequests} signed requests`);
  const ingest = await benchIngest(SIZES.ingestRequests);
  progress(`ingest: handler ${ingest.handlerMicros} µs, floor ${ingest.floorMicros} µs, ratio ${ingest.ratio}`);

  progress('pipeline: starting the local runtime');
  const pipeline = await benchPipeline({ events: SIZES.pipelineEvents, concurrency: SIZES.pipelineConcurrency, progress });
  progress(`pipeline: ${pipeline.eventsPerSecond} events/s end to end, ceiling ${pipeline.ceilingPerSecond} PutItem/s, ratio ${pipeline.ratio}`);

  progress('capacity: starting DynamoDB Local');
  const ddb = await startDynamoDbLocal();
  let capacity;
  try {
    capacity = await benchCapacity(ddb.endpoint, {
      pairs: SIZES.capacityPairs,
      factors: [1, 10, 100],
      random: seeded(SEED),
      reminderRun: reminderRunner(),
      progress,
    });
  } finally {
    await ddb.stop();
  }
  progress(`capacity: ${capacity.wcuPerProgressEvent} WCU per progress event, reads growth ${capacity.reminderReadsGrowth}`);
  // Each progress event is `wcuPerProgressEvent` single-item writes (every item is under 1 KB), so the
  // pipeline's own bound on this DynamoDB Local is ceiling / writes: how close we get to it.
  const writeBound = pipeline.ceilingPerSecond / capacity.wcuPerProgressEvent;
  const pipelineResult = { ...pipeline, writesPerEvent: capacity.wcuPerProgressEvent, writeBoundPerSecond: Math.round(writeBound), ratioToWriteBound: Math.round((pipeline.eventsPerSecond / writeBound) * 1000) / 1000 };

  progress('cold start: bundling every function');
  const functions = await benchColdStart(SIZES.coldStartRuns, progress);

  progress('dashboard: bundle size and first render in headless Chromium');
  const dashboard = await benchDashboard({ runs: quick ? 3 : 7, progress });

  const inputs = {
    ingestCpuMicros: ingest.handlerMicros,
    consumerWriteUnits: capacity.wcuPerProgressEventConsumer,
    ingestWriteUnits: capacity.wcuPerProgressEventIngest,
    ...DEFAULT_ASSUMPTIONS,
  };
  const cost = {
    ...costPerMillion(inputs, region),
    assumptions: DEFAULT_ASSUMPTIONS,
    withPowertoolsIdempotency: costPerMillion(inputs, region, IDEMPOTENCY_EXTRA_WRITE_UNITS),
  };

  const result = {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    seed: SEED,
    sizes: SIZES,
    node: process.version,
    ingest,
    pipeline: pipelineResult,
    capacity,
    coldStart: { functions },
    cost,
    dashboard,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
  const md = `${renderMarkdown(result)}\n${renderDashboardMarkdown(dashboard)}`;
  writeFileSync('bench/results/latest.md', md);
  process.stdout.write(md);
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: bench/results/latest.json, bench/results/latest.md`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
