import type { MiddlewareObj } from '@middy/core';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BUSINESS_METRICS, METRICS_NAMESPACE, type MetricDimensions, type MetricName } from '../../observability/metrics.js';
import type { MetricsRecorder } from '../../ports/metrics.js';

interface Pending {
  name: MetricName;
  dimensions: Readonly<Record<string, string>>;
  value: number;
  readonly metadata: Readonly<Record<string, string | number>>;
}

/**
 * The metrics port as CloudWatch Embedded Metric Format, written by Powertools Metrics to stdout
 * (CloudWatch Logs turns each line into metric data, no API call). Counts are summed per metric and
 * dimension values during an invocation and written by `flush()` (the `publishMetrics` middleware),
 * one EMF line per metric and dimension values: EMF gives one line one set of dimension values, so
 * a batch of ten reports is one `ReportsApplied` line of 10, not ten lines.
 */
export class EmfMetrics implements MetricsRecorder {
  readonly #metrics: Metrics;
  readonly #pending = new Map<string, Pending>();

  /** `service` becomes the default dimension of every metric (the function's name). */
  constructor(service: string) {
    this.#metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, logger: withoutSetOverlapWarning });
  }

  count<N extends MetricName>(
    name: N,
    dimensions: MetricDimensions<N>,
    value = 1,
    metadata: Readonly<Record<string, string | number>> = {},
  ): void {
    const dims = dimensions as Readonly<Record<string, string>>;
    // Counts with other metadata (another missing year) stay lines of their own: one line has one set.
    const key = JSON.stringify([name, ...BUSINESS_METRICS[name].dimensions.map((d: string) => dims[d]), metadata]);
    const pending = this.#pending.get(key);
    if (pending) {
      pending.value += value;
    } else {
      this.#pending.set(key, { name, dimensions: dims, value, metadata });
    }
  }

  /** Writes what was counted since the last flush. */
  flush(): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      // A single-metric instance writes at `addMetric`, with its own dimension sets.
      const single = this.#metrics.singleMetric();
      for (const set of BUSINESS_METRICS[p.name].dimensionSets as ReadonlyArray<readonly string[]>) {
        single.addDimensions(Object.fromEntries(set.map((d) => [d, p.dimensions[d] ?? ''])));
      }
      for (const [k, v] of Object.entries(p.metadata)) single.addMetadata(k, String(v));
      single.addMetric(p.name, MetricUnit.Count, p.value);
    }
  }
}

/**
 * Powertools' own warnings, but for one: it warns whenever two dimension sets of a line share a key
 * (`Code` in `[Code]` and `[Source, Code]`), which is what dimension sets are for here and always
 * with the same value, so it would print on every flush.
 */
const SET_OVERLAP = /^EMF key ".+" is defined as both a dimension set and dimension set;/;
const withoutSetOverlapWarning = {
  debug: (...args: unknown[]) => console.debug(...args),
  info: (...args: unknown[]) => console.info(...args),
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && SET_OVERLAP.test(args[0])) return;
    console.warn(...args);
  },
  error: (...args: unknown[]) => console.error(...args),
};

/** Flushes the metrics after each invocation, also when it throws (a failed batch still counts its dead letters). */
export function publishMetrics(metrics: EmfMetrics): MiddlewareObj {
  return {
    after: () => metrics.flush(),
    onError: () => metrics.flush(),
  };
}
