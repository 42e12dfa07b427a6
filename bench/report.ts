/** The benchmark result as a markdown table (bench/results/latest.md, quoted in the README). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a rendering of the JSON written beside it
export function renderMarkdown(r: any): string {
  const lines = [
    `# Benchmark (${r.mode}, ${r.generatedAt.slice(0, 10)}, Node ${r.node}, seed ${r.seed})`,
    '',
    '| measure | value |',
    '|---|---|',
    `| ingest: handler CPU per request | ${r.ingest.handlerMicros} µs |`,
    `| ingest: floor (HMAC-SHA256 + JSON.parse) | ${r.ingest.floorMicros} µs |`,
    `| **ingest.ratio** | **${r.ingest.ratio}** |`,
    `| pipeline: progress events/s end to end (HTTP → bus → queue → consumer → DynamoDB Local → drained) | ${r.pipeline.eventsPerSecond} |`,
    `| pipeline: PutItem/s ceiling, same DynamoDB Local, same SDK, concurrency ${r.pipeline.concurrency} | ${r.pipeline.ceilingPerSecond} |`,
    `| **pipeline.ratio** | **${r.pipeline.ratio}** |`,
    `| pipeline: the same against its write bound (ceiling ÷ ${r.pipeline.writesPerEvent} writes per event = ${r.pipeline.writeBoundPerSecond}/s) | ${r.pipeline.ratioToWriteBound} |`,
    `| **capacity.wcuPerProgressEvent** (consumer + ingest receipt) | **${r.capacity.wcuPerProgressEvent}** (${r.capacity.wcuPerProgressEventConsumer} + ${r.capacity.wcuPerProgressEventIngest}) |`,
    `| capacity: WCU per event.registered | ${r.capacity.wcuPerEventRegistered} |`,
    `| **capacity.reminderReadsGrowth** (1× → 100× reports) | **${r.capacity.reminderReadsGrowth}** |`,
    `| **cost.usdPerMillionProgressEvents** (${r.cost.region}) | **$${r.cost.usdPerMillionProgressEvents}** |`,
    `| same, consumers wrapped in Powertools idempotency | $${r.cost.withPowertoolsIdempotency.usdPerMillionProgressEvents} |`,
    '',
    '| reports | factor | aggregation RCU | aggregation WCU | reminder RCU | reminder WCU |',
    '|---|---|---|---|---|---|',
    ...r.capacity.scales.map((s: { reports: number; factor: number; aggregationRead: number; aggregationWrite: number; reminderRead: number; reminderWrite: number }) =>
      `| ${s.reports} | ${s.factor}× | ${s.aggregationRead} | ${s.aggregationWrite} | ${s.reminderRead} | ${s.reminderWrite} |`,
    ),
    '',
    '| function | bundle bytes | init ms | empty-handler init ms |',
    '|---|---|---|---|',
    ...r.coldStart.functions.map((f: { name: string; bytes: number; initMs: number; baselineInitMs: number }) => `| ${f.name} | ${f.bytes} | ${f.initMs} | ${f.baselineInitMs} |`),
    '',
    '| X-Ray tracing (context `tracing`): function | bundle bytes added | init CPU ms without → with | added CPU ms | init wall ms without → with |',
    '|---|---|---|---|---|',
    ...(r.coldStart.tracing ?? []).map(
      (t: { name: string; bytesOff: number; bytesOn: number; cpuMsOff: number; cpuMsOn: number; addedCpuMs: number; wallMsOff: number; wallMsOn: number }) =>
        `| ${t.name} | ${t.bytesOn - t.bytesOff} | ${t.cpuMsOff} → ${t.cpuMsOn} | **${t.addedCpuMs}** | ${t.wallMsOff} → ${t.wallMsOn} |`,
    ),
    '',
    '| cost component (USD per million progress events) | ours | with idempotency |',
    '|---|---|---|',
    ...Object.keys(r.cost.components).map((k) => `| ${k} | ${r.cost.components[k]} | ${r.cost.withPowertoolsIdempotency.components[k]} |`),
    '',
    `Prices: ${r.cost.pricesAsOf}; assumptions: ${JSON.stringify(r.cost.assumptions)}.`,
    '',
  ];
  return lines.join('\n');
}
