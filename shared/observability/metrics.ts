/**
 * The business metrics, in one place: their names, their dimensions, the dimension sets they are
 * published under, and the functions that emit them. The functions count through the
 * `MetricsRecorder` port (shared/ports/metrics.ts); infra/constructs/monitoring.ts builds its alarms
 * and dashboard widgets from this table, so a metric cannot be renamed on one side only.
 *
 * Every metric also carries Powertools' default dimension `service` (the function's name), so each
 * dimension set below is published as `[service, ...set]`: `[]` is the function's total, the one
 * an alarm can watch (CloudWatch alarms need exact dimensions), and the longer sets break it down.
 * Dimension values are bounded by construction (codes, kinds, channel kinds, error names, registered
 * sources): a caller cannot mint new metric series.
 */

/** The CloudWatch namespace (infra sets it as POWERTOOLS_METRICS_NAMESPACE as well). */
export const METRICS_NAMESPACE = 'JiningSupervision';

/** Powertools Metrics' default dimension: the function's service name. */
export const SERVICE_DIMENSION = 'service';

/** A registered source's id, or this for a source the registry does not know (no new series per caller). */
export const UNKNOWN_SOURCE = '-';

export interface MetricSpec {
  /** What it counts, in the operator's words (dashboard and alarm texts). */
  readonly description: string;
  /** The functions (service names) that emit it. */
  readonly emittedBy: readonly string[];
  /** The dimensions each count is given. */
  readonly dimensions: readonly string[];
  /** The subsets of `dimensions` it is published under (each with `service`). */
  readonly dimensionSets: ReadonlyArray<readonly string[]>;
}

export const BUSINESS_METRICS = {
  WebhooksAccepted: {
    description: 'webhooks accepted (202, exact resends included), by source',
    emittedBy: ['ingest-webhook'],
    dimensions: ['Source'],
    dimensionSets: [[], ['Source']],
  },
  WebhooksRefused: {
    description: 'webhooks refused (4xx/5xx), by error code and source',
    emittedBy: ['ingest-webhook'],
    dimensions: ['Source', 'Code'],
    dimensionSets: [[], ['Code'], ['Source', 'Code']],
  },
  ReportsApplied: {
    description: 'progress reports applied (Outcome applied, or unchanged: a redelivery, or older than what is stored)',
    emittedBy: ['apply-progress'],
    dimensions: ['Outcome'],
    dimensionSets: [['Outcome']],
  },
  DeadLetters: {
    description: 'records failed for good (their last receive failed: SQS moves them to the DLQ), by error name',
    emittedBy: ['apply-progress', 'register-event', 'deliver-notification'],
    dimensions: ['Reason'],
    dimensionSets: [[], ['Reason']],
  },
  RemindersSent: {
    description: 'reminder items (催办) sent in digests, by kind',
    emittedBy: ['send-reminders'],
    dimensions: ['Kind'],
    dimensionSets: [[], ['Kind']],
  },
  RemindersDelivered: {
    description: 'reminder items delivered, by channel kind and reminder kind',
    emittedBy: ['deliver-notification'],
    dimensions: ['Channel', 'Kind'],
    dimensionSets: [['Channel'], ['Channel', 'Kind']],
  },
  DeliveryFailures: {
    description: 'digests a channel did not take (the record is retried through that channel), by channel kind',
    emittedBy: ['deliver-notification'],
    dimensions: ['Channel'],
    dimensionSets: [[], ['Channel']],
  },
  CalendarYearMissing: {
    description: 'the workday calendar lacks a year: Monday–Friday is assumed (reminders may go out on a holiday)',
    emittedBy: ['send-reminders', 'query-api', 'bulletin-api'],
    dimensions: [],
    dimensionSets: [[]],
  },
  SourcesRefreshFailed: {
    description: 'the webhook sources secret could not be refreshed; the last good copy is served (up to 24 h, then 503)',
    emittedBy: ['ingest-webhook'],
    dimensions: [],
    dimensionSets: [[]],
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof BUSINESS_METRICS;
export const METRIC_NAMES = Object.keys(BUSINESS_METRICS) as MetricName[];

/** The dimension values a count of `N` must be given. */
export type MetricDimensions<N extends MetricName> = { readonly [D in (typeof BUSINESS_METRICS)[N]['dimensions'][number]]: string };
