/**
 * Public on-demand list prices (USD) used by the cost model. Keep in step with docs/cost-model.md.
 * Recorded from the AWS pricing pages as known to the team (us-east-1, 2025 list prices, after the
 * November 2024 DynamoDB on-demand reduction); this machine is offline, so they were NOT re-read live:
 * check them before quoting a figure. Add a region by adding a row.
 */
export interface RegionPrices {
  /** Lambda arm64, per GB-second. */
  lambdaGbSecond: number;
  /** Lambda, per request. */
  lambdaRequest: number;
  /** API Gateway HTTP API, per request (first 300 M a month). */
  httpApiRequest: number;
  /** EventBridge custom event published (per 64 KB chunk). */
  eventBridgeEvent: number;
  /** SQS standard queue, per request (per 64 KB chunk). */
  sqsRequest: number;
  /** DynamoDB on-demand, per write request unit. */
  dynamoWriteUnit: number;
  /** DynamoDB on-demand, per read request unit. */
  dynamoReadUnit: number;
}

export const PRICES_AS_OF = '2025 list prices (recorded 2026-11-28, not re-verified live)';

export const PRICES: Record<string, RegionPrices> = {
  'us-east-1': {
    lambdaGbSecond: 0.0000133334,
    lambdaRequest: 0.2 / 1e6,
    httpApiRequest: 1.0 / 1e6,
    eventBridgeEvent: 1.0 / 1e6,
    sqsRequest: 0.4 / 1e6,
    dynamoWriteUnit: 0.625 / 1e6,
    dynamoReadUnit: 0.125 / 1e6,
  },
};
