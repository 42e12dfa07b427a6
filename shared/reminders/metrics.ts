/** The CloudWatch namespace of the supervision jobs' metrics. */
export const METRICS_NAMESPACE = 'JiningSupervision';

/**
 * A CloudWatch Embedded Metric Format line: written to stdout in Lambda, CloudWatch turns it into
 * a metric without an API call. `dimensions` become the metric's one dimension set.
 */
export function emfLine(input: {
  name: string;
  value?: number;
  unit?: 'Count';
  dimensions: Record<string, string>;
  properties?: Record<string, unknown>;
  at: Date;
}): string {
  return JSON.stringify({
    _aws: {
      Timestamp: input.at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [Object.keys(input.dimensions)],
          Metrics: [{ Name: input.name, Unit: input.unit ?? 'Count' }],
        },
      ],
    },
    ...input.dimensions,
    ...input.properties,
    [input.name]: input.value ?? 1,
  });
}

/** The metric the reminder job emits when the workday calendar lacks a year (it falls back to Monday–Friday). */
export function calendarYearMissingMetric(year: number, service: string, at: Date): string {
  return emfLine({ name: 'CalendarYearMissing', dimensions: { Service: service }, properties: { year }, at });
}
