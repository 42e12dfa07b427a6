import { PRICES, PRICES_AS_OF, type RegionPrices } from './prices.js';

/**
 * What one progress event costs, from counts measured in the same benchmark run and the assumptions
 * below. Everything is per event; per-batch costs are divided by the batch size.
 */
export interface CostInputs {
  /** Measured: CPU of the webhook handler per request (µs). */
  ingestCpuMicros: number;
  /** Measured: write units per progress event in the consumer and at ingest (the rate budget's lease included). */
  consumerWriteUnits: number;
  ingestWriteUnits: number;
  /** Measured: read units per progress event (the consumer's read-merge-write). */
  consumerReadUnits: number;
  /** Assumptions (documented in docs/cost-model.md). */
  ingestIoMillis: number;
  relayMillisPerBatch: number;
  relayBatchSize: number;
  consumerMillisPerBatch: number;
  batchSize: number;
  ingestMemoryMb: number;
  relayMemoryMb: number;
  consumerMemoryMb: number;
}

export const DEFAULT_ASSUMPTIONS = {
  /** One conditional PutItem in-region (the rate budget's lease is one more PutItem per 20 requests). */
  ingestIoMillis: 10,
  /** One PutEvents call per 10 records. */
  relayMillisPerBatch: 30,
  /** Stream records per relay invocation at a few events per second (the mapping batches up to 100). */
  relayBatchSize: 10,
  /** A batch of 10 records processed in parallel, each a GetItem then a PutItem. */
  consumerMillisPerBatch: 40,
  batchSize: 10,
  ingestMemoryMb: 256,
  relayMemoryMb: 256,
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

/** Stream reads (GetRecords) by a Lambda event source mapping are free; the relay pays Lambda and EventBridge only. */
export function costPerMillion(inputs: CostInputs, region: string, extraConsumerWrites = 0): CostBreakdown {
  const p: RegionPrices | undefined = PRICES[region];
  if (!p) throw new Error(`no prices for region ${region}; known: ${Object.keys(PRICES).join(', ')}`);
  const ingestMs = Math.ceil(inputs.ingestCpuMicros / 1000 + inputs.ingestIoMillis);
  const lambda = (msPerBatch: number, batch: number, memoryMb: number) =>
    p.lambdaRequest / batch + (Math.ceil(msPerBatch) / batch / 1000) * (memoryMb / 1024) * p.lambdaGbSecond;
  const components = {
    httpApi: p.httpApiRequest,
    lambdaIngest: p.lambdaRequest + (ingestMs / 1000) * (inputs.ingestMemoryMb / 1024) * p.lambdaGbSecond,
    lambdaRelay: lambda(inputs.relayMillisPerBatch, inputs.relayBatchSize, inputs.relayMemoryMb),
    eventBridge: p.eventBridgeEvent,
    // EventBridge's SendMessage, plus one ReceiveMessage and one DeleteMessageBatch per batch.
    sqs: p.sqsRequest * (1 + 2 / inputs.batchSize),
    lambdaConsumer: lambda(inputs.consumerMillisPerBatch, inputs.batchSize, inputs.consumerMemoryMb),
    dynamoDbWrite: p.dynamoWriteUnit * (inputs.consumerWriteUnits + inputs.ingestWriteUnits + extraConsumerWrites),
    dynamoDbRead: p.dynamoReadUnit * inputs.consumerReadUnits,
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
