/**
 * `npm run bench [-- --quick] [-- --region us-east-1]`: measures ingest CPU against its floor, the
 * end-to-end pipeline against DynamoDB Local's PutItem ceiling, consumed capacity at 1×/10×/100×
 * the reports, cold starts, and a cost model; writes bench/results/latest.json and latest.md.
 * Sizes and seeds are fixed so that runs compare across commits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { exitUsage, readCommandLine } from '../scripts/lib/cli.js';
import { progress } from '../scripts/lib/progress.js';
import { PRICES } from './prices.js';

// The command line is read before the measuring modules load (they are imported in `main`), so that
// `--help` and a mistake answer at once, and a region without prices fails before a 10-minute run
// rather than at its end.
const BENCH_CLI = {
  command: 'npm run bench --',
  summary:
    'Measures ingest CPU, the local pipeline, consumed capacity, cold starts and the cost per million progress events;\n' +
    'writes bench/results/latest.json and latest.md. Progress goes to stderr, one line per phase (n/N, elapsed).',
  options: {
    quick: { type: 'boolean', default: false },
    region: { type: 'string', default: 'us-east-1' },
  },
  optionHelp: [
    ['--quick', 'CI sizes (under two minutes) instead of the full run'],
    ['--region <region>', `prices for the cost model (default us-east-1; known: ${Object.keys(PRICES).join(', ')})`],
  ],
} as const;

const args = readCommandLine(BENCH_CLI);
if (!Object.hasOwn(PRICES, args.region))
  exitUsage(BENCH_CLI, `--region: no prices for ${args.region}; known: ${Object.keys(PRICES).join(', ')}`);
const quick = args.quick;
const region = args.region;
const SEED = 20230101;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PHASES = 6;
const log = progress('bench', PHASES);

async function main() {
  const [
    { benchIngest },
    { benchCapacity },
    { benchColdStart, benchTracingColdStart },
    { benchDashboard, renderDashboardMarkdown },
    { benchPipeline },
    { reminderRunner },
    { costPerMillion, DEFAULT_ASSUMPTIONS, IDEMPOTENCY_EXTRA_WRITE_UNITS },
    { seeded, reportingPairs },
    { renderMarkdown },
    { startDynamoDbLocal },
    { getPlan },
  ] = await Promise.all([
    import('./ingest.js'),
    import('./capacity.js'),
    import('./cold-start.js'),
    import('./dashboard.js'),
    import('./pipeline.js'),
    import('./reminders.js'),
    import('./cost.js'),
    import('./load.js'),
    import('./report.js'),
    import('../local/dynamodb-local.js'),
    import('../shared/plan/catalog.js'),
  ]);
  const SIZES = quick
    ? { ingestRequests: 2_000, pipelineEvents: 300, pipelineConcurrency: 16, freshnessProbes: 30, capacityPairs: 20, coldStartRuns: 3 }
    : {
        ingestRequests: 20_000,
        pipelineEvents: 3_000,
        pipelineConcurrency: 32,
        freshnessProbes: 100,
        capacityPairs: reportingPairs(getPlan('jining-sports-2023')!).length,
        coldStartRuns: 7,
      };
  const note = (msg: string) => log.note(msg);

  log.note(`mode ${quick ? 'quick' : 'full'}, region ${region}, seed ${SEED}`);
  log.phase('ingest', `${SIZES.ingestRequests} signed requests`);
  const ingest = await benchIngest(SIZES.ingestRequests);
  log.note(`ingest: handler ${ingest.handlerMicros} µs, floor ${ingest.floorMicros} µs, ratio ${ingest.ratio}`);

  log.phase('pipeline', `${SIZES.pipelineEvents} events, starting the local runtime`);
  const pipeline = await benchPipeline({
    events: SIZES.pipelineEvents,
    concurrency: SIZES.pipelineConcurrency,
    probes: SIZES.freshnessProbes,
    progress: note,
  });
  log.note(
    `pipeline: ${pipeline.eventsPerSecond} events/s end to end, ceiling ${pipeline.ceilingPerSecond} PutItem/s, ratio ${pipeline.ratio}`,
  );

  log.phase('capacity', 'starting DynamoDB Local');
  const ddb = await startDynamoDbLocal();
  let capacity;
  try {
    capacity = await benchCapacity(ddb.endpoint, {
      pairs: SIZES.capacityPairs,
      factors: [1, 10, 100],
      random: seeded(SEED),
      reminderRun: reminderRunner(),
      progress: note,
    });
  } finally {
    await ddb.stop();
  }
  log.note(
    `capacity: ${capacity.wcuPerProgressEvent} WCU per progress event (${capacity.wcuPerLoneProgressEvent} alone in its rate window), reads growth ${capacity.reminderReadsGrowth}`,
  );
  // Each progress event is `wcuPerProgressEvent` single-item writes (every item is under 1 KB), so the
  // pipeline's own bound on this DynamoDB Local is ceiling / writes: how close we get to it.
  const writeBound = pipeline.ceilingPerSecond / capacity.wcuPerProgressEvent;
  const pipelineResult = {
    ...pipeline,
    writesPerEvent: capacity.wcuPerProgressEvent,
    writeBoundPerSecond: Math.round(writeBound),
    ratioToWriteBound: Math.round((pipeline.eventsPerSecond / writeBound) * 1000) / 1000,
  };

  log.phase('cold start', 'bundling every function');
  const functions = await benchColdStart(SIZES.coldStartRuns, note);
  // X-Ray's cost, decided by it: tracing is off by default only if it adds more than 30 ms (issue 19).
  const tracing = await benchTracingColdStart(SIZES.coldStartRuns * 2, note);

  log.phase('dashboard', 'bundle size and first render in headless Chromium');
  const dashboard = await benchDashboard({ runs: quick ? 3 : 7, progress: note });

  log.phase('cost and report');

  const inputs = {
    ingestCpuMicros: ingest.handlerMicros,
    consumerWriteUnits: capacity.wcuPerProgressEventConsumer,
    ingestWriteUnits: capacity.wcuPerProgressEventIngest,
    consumerReadUnits: capacity.rcuPerProgressEventConsumer,
    ...DEFAULT_ASSUMPTIONS,
  };
  const cost = {
    ...costPerMillion(inputs, region),
    assumptions: DEFAULT_ASSUMPTIONS,
    withPowertoolsIdempotency: costPerMillion(inputs, region, IDEMPOTENCY_EXTRA_WRITE_UNITS),
  };

  const result = {
    generatedAt: new Date().toISOString(),
    mode: quick ? ('quick' as const) : ('full' as const),
    seed: SEED,
    sizes: SIZES,
    node: process.version,
    ingest,
    pipeline: pipelineResult,
    capacity,
    coldStart: { functions, tracing },
    cost,
    dashboard,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
  const md = `${renderMarkdown(result)}\n${renderDashboardMarkdown(dashboard)}`;
  writeFileSync('bench/results/latest.md', md);
  process.stdout.write(md);
  log.note('done: bench/results/latest.json, bench/results/latest.md');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
