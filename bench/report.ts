import type { CapacityResult } from './capacity.js';
import type { ColdStart, TracingColdStart } from './cold-start.js';
import type { CostBreakdown } from './cost.js';
import type { IngestResult } from './ingest.js';
import type { PipelineResult } from './pipeline.js';

/** What `npm run bench` writes to bench/results/latest.json (and renders beside it). */
export interface BenchReport {
  generatedAt: string;
  mode: 'quick' | 'full';
  seed: number;
  node: string;
  ingest: IngestResult;
  /** With the pipeline's own bound from the write count (bench/run.ts). */
  pipeline: PipelineResult & { writesPerEvent: number; writeBoundPerSecond: number; ratioToWriteBound: number };
  capacity: CapacityResult;
  coldStart: { functions: ColdStart[]; tracing?: TracingColdStart[] };
  cost: CostBreakdown & { assumptions: unknown; withPowertoolsIdempotency: CostBreakdown };
}

/** The benchmark result as a markdown table (bench/results/latest.md, quoted in the README). */
export function renderMarkdown(r: BenchReport): string {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const c = r.capacity;
  const lines = [
    `# Benchmark (${r.mode}, ${r.generatedAt.slice(0, 10)}, Node ${r.node}, seed ${r.seed})`,
    '',
    '| measure | value |',
    '|---|---|',
    `| ingest: handler CPU per request (median of 5 rounds) | ${r.ingest.handlerMicros} µs |`,
    `| ingest: floor (HMAC-SHA256 + JSON.parse, same rounds) | ${r.ingest.floorMicros} µs |`,
    `| **ingest.ratio** | **${r.ingest.ratio}** |`,
    `| pipeline: progress events/s end to end (HTTP → outbox record → stream → relay → bus → queue → consumer → drained) | ${r.pipeline.eventsPerSecond} |`,
    `| pipeline: PutItem/s ceiling, same DynamoDB Local, same SDK, concurrency ${r.pipeline.concurrency} | ${r.pipeline.ceilingPerSecond} |`,
    `| **pipeline.ratio** | **${r.pipeline.ratio}** |`,
    `| pipeline: the same against its write bound (ceiling ÷ ${r.pipeline.writesPerEvent} writes per event = ${r.pipeline.writeBoundPerSecond}/s) | ${r.pipeline.ratioToWriteBound} |`,
    `| **pipeline.freshness** (202 → figure readable through the read API; ${r.pipeline.freshness.probes} probes) | **p50 ${r.pipeline.freshness.p50Ms} ms, p99 ${r.pipeline.freshness.p99Ms} ms** (max ${r.pipeline.freshness.maxMs} ms) |`,
    `| **capacity.wcuPerProgressEvent** (one-metric sample report, a burst of ${c.burst.reports} from one source: ingest + consumer) | **${c.wcuPerProgressEvent}** (${c.wcuPerProgressEventIngest} + ${c.wcuPerProgressEventConsumer}; ${c.burst.leases} rate-budget lease for ${c.burst.reports} reports) |`,
    `| capacity: WCU for a report alone in its rate window (it pays a whole lease) | ${c.wcuPerLoneProgressEvent} |`,
    `| capacity: RCU per progress event (the consumer's read before its write) | ${c.rcuPerProgressEventConsumer} |`,
    `| capacity: WCU per event.registered (event message + a new event's transaction at 2 units per item) | ${c.wcuPerEventRegistered} |`,
    `| **capacity.reminderReadsGrowth** (1× → 100× reports) | **${c.reminderReadsGrowth}** |`,
    `| capacity: RCU for a year of trend (\`GET …/snapshots\`, ${c.trendYear.days} days; the full snapshots it used to read) | ${c.trendYear.readTrend} (${c.trendYear.readFullSnapshots}) |`,
    `| **cost.usdPerMillionProgressEvents** (${r.cost.region}) | **$${r.cost.usdPerMillionProgressEvents}** |`,
    `| same, consumers wrapped in Powertools idempotency | $${r.cost.withPowertoolsIdempotency.usdPerMillionProgressEvents} |`,
    '',
    '| reports | factor | aggregation RCU | aggregation WCU | reminder RCU | reminder WCU |',
    '|---|---|---|---|---|---|',
    ...c.scales.map(
      (s) => `| ${s.reports} | ${s.factor}× | ${s.aggregationRead} | ${s.aggregationWrite} | ${s.reminderRead} | ${s.reminderWrite} |`,
    ),
    '',
    '| function | bundle (SDK inside) | init ms | empty-handler init ms | init − empty | largest inputs | without the SDK: bundle, init ms |',
    '|---|---|---|---|---|---|---|',
    ...r.coldStart.functions.map(
      (f) =>
        `| ${f.name} | ${f.bytes} (${kib(f.bytes)}) | ${f.initMs} | ${f.baselineInitMs} | ${Math.round((f.initMs - f.baselineInitMs) * 100) / 100} | ${f.largest
          .slice(0, 4)
          .map((l) => `${l.input} ${kib(l.bytes)}`)
          .join(', ')} | ${kib(f.sdkFromRuntime.bytes)}, ${f.sdkFromRuntime.initMs} |`,
    ),
    '',
    '| X-Ray tracing (context `tracing`): function | bundle bytes added | init CPU ms without → with | added CPU ms | init wall ms without → with |',
    '|---|---|---|---|---|',
    ...(r.coldStart.tracing ?? []).map(
      (t) =>
        `| ${t.name} | ${t.bytesOn - t.bytesOff} | ${t.cpuMsOff} → ${t.cpuMsOn} | **${t.addedCpuMs}** | ${t.wallMsOff} → ${t.wallMsOn} |`,
    ),
    '',
    '| cost component (USD per million progress events) | ours | with idempotency |',
    '|---|---|---|',
    ...Object.entries(r.cost.components).map(([k, v]) => `| ${k} | ${v} | ${r.cost.withPowertoolsIdempotency.components[k]} |`),
    '',
    `Prices: ${r.cost.pricesAsOf}; assumptions: ${JSON.stringify(r.cost.assumptions)}.`,
    '',
  ];
  return lines.join('\n');
}
