import { PRICES, PRICES_AS_OF, type RegionPrices } from './prices.js';

/**
 * What one progress event costs, from counts measured in the same benchmark run and the assumptions
 * below. Everything is per event; per-batch costs are divided by the batch size.
 */
export interface CostInputs {
  /** Measured: CPU of the webhook handler per request (µs). */
  ingestCpuMicros: number;
  /** Measured: write units per progress event in the consumer and at ingest. */
  consumerWriteUnits: number;
  ingestWriteUnits: number;
  /** Assumptions (documented in docs/cost-model.md). */
  ingestIoMillis: number;
  consumerMillisPerBatch: number;
  batchSize: number;
  ingestMemoryMb: number;
  consumerMemoryMb: number;
}

export const DEFAULT_ASSUMPTIONS = {
  /** Receipt claim (PutItem) + PutEvents + mark published (UpdateItem), in-region. */
  ingestIoMillis: 30,
  /** A batch of 10 records processed in parallel, each 4 parallel writes. */
  consumerMillisPerBatch: 40,
  batchSize: 10,
  ingestMemoryMb: 256,
  consumerMemoryMb: 256,
} as const;

/** Powertools idempotency: an in-progress PutItem and a completion UpdateItem per message. */
export const IDEMPOTENCY_EXTRA_WRITE_UNITS = 2;

export interface CostBreakdown {
  region: string;
  pricesAsOf: string;
  usdPerMillionProgressEvents: number;
  components: Record<string, number>;
}

export function costPerMillion(inputs: CostInputs, region: string, extraConsumerWrites = 0): CostBreakdown {
  const p: RegionPrices | undefined = PRICES[region];
  if (!p) throw new Error(`no prices for region ${region}; known: ${Object.keys(PRICES).join(', ')}`);
  const ingestMs = Math.ceil(inputs.ingestCpuMicros / 1000 + inputs.ingestIoMillis);
  const consumerMsPerEvent = Math.ceil(inputs.consumerMillisPerBatch) / inputs.batchSize;
  const components = {
    httpApi: p.httpApiRequest,
    lambdaIngest: p.lambdaRequest + (ingestMs / 1000) * (inputs.ingestMemoryMb / 1024) * p.lambdaGbSecond,
    eventBridge: p.eventBridgeEvent,
    // EventBridge's SendMessage, plus one ReceiveMessage and one DeleteMessageBatch per batch.
    sqs: p.sqsRequest * (1 + 2 / inputs.batchSize),
    lambdaConsumer: p.lambdaRequest / inputs.batchSize + (consumerMsPerEvent / 1000) * (inputs.consumerMemoryMb / 1024) * p.lambdaGbSecond,
    dynamoDb: p.dynamoWriteUnit * (inputs.consumerWriteUnits + inputs.ingestWriteUnits + extraConsumerWrites),
  };
  const perEvent = Object.values(components).reduce((a, b) => a + b, 0);
  const million = (n: number) => Math.round(n * 1e6 * 1000) / 1000;
  return {
    region,
    pricesAsOf: PRICES_AS_OF,
    usdPerMillionProgressEvents: million(perEvent),
    components: Object.fromEntries(Object.entries(components).map(([k, v]) => [k, million(v)])),
  };
}
