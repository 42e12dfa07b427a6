import type { MetricDimensions, MetricName } from '../observability/metrics.js';

/**
 * Counts business metrics (shared/observability/metrics.ts). The handlers take it like the logger;
 * in Lambda and the local runtime it is CloudWatch EMF through Powertools Metrics
 * (shared/adapters/metrics/emf.ts), in tests a recording fake.
 */
export interface MetricsRecorder {
  /**
   * Adds `value` (default 1) to `name` with its dimensions. `metadata` goes into the EMF line for
   * log searches (high-cardinality values such as a year) and does not make a metric series.
   */
  count<N extends MetricName>(
    name: N,
    dimensions: MetricDimensions<N>,
    value?: number,
    metadata?: Readonly<Record<string, string | number>>,
  ): void;
}
