import type { MetricDimensions, MetricName } from '../../shared/observability/metrics.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';

export interface RecordedCount {
  name: MetricName;
  dimensions: Readonly<Record<string, string>>;
  value: number;
  metadata?: Readonly<Record<string, string | number>>;
}

/** The metrics port as a list of what was counted. */
export class RecordingMetrics implements MetricsRecorder {
  readonly counts: RecordedCount[] = [];

  count<N extends MetricName>(
    name: N,
    dimensions: MetricDimensions<N>,
    value = 1,
    metadata?: Readonly<Record<string, string | number>>,
  ): void {
    this.counts.push({ name, dimensions, value, ...(metadata ? { metadata } : {}) });
  }

  /** The sum of `name`'s counts whose dimensions include `where`. */
  total(name: MetricName, where: Readonly<Record<string, string>> = {}): number {
    return this.counts
      .filter((c) => c.name === name && Object.entries(where).every(([k, v]) => c.dimensions[k] === v))
      .reduce((sum, c) => sum + c.value, 0);
  }
}
