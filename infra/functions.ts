import { CONSUMER_TIMEOUT_SECONDS, RELAY_TIMEOUT_SECONDS } from '../shared/routing.js';
import { PUBLISHES, TABLE_ACCESS, type TableAccess } from './permissions.js';

/**
 * How a function is invoked, i.e. the shape of its handler. Which route, queue, schedule or stream
 * invokes it is said once, in the routing tables: `API_ROUTES` (shared/api/routes.ts), `QUEUES`,
 * `SCHEDULES` and `STREAM_RELAY` (shared/routing.ts); tests/unit/function-registry.test.ts checks that they
 * and this registry agree.
 */
export type Trigger = 'http' | 'queue' | 'schedule' | 'stream';

export interface FunctionSpec {
  readonly trigger: Trigger;
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** The Lambda function's description. */
  readonly description: string;
}

/**
 * The registry of the Lambda functions of the system: the one list that infra/ deploys, the local
 * runtime hosts (local/registry.ts) and the bench bundles (bench/cold-start.ts). Each has its entry at
 * `functions/<name>/handler.ts` (`entryOf`); its rights on the table and on the bus are in
 * infra/permissions.ts, keyed by these names (`functionSpec` puts them together).
 *
 * No aws-cdk-lib here (nor in permissions.ts): the local runtime and the bench load this file.
 * Consumers take their timeout from `CONSUMER_TIMEOUT_SECONDS`, the figure their queue's visibility
 * timeout is sized against (≥ 6×).
 */
export const FUNCTIONS = {
  'ingest-webhook': {
    trigger: 'http',
    memoryMiB: 256,
    timeoutSeconds: 10,
    description: 'Verifies signed webhooks and stores each message once (the outbox the table stream relays)',
  },
  'relay-outbox': {
    trigger: 'stream',
    memoryMiB: 256,
    timeoutSeconds: RELAY_TIMEOUT_SECONDS,
    description: "Puts the messages ingest stored (the table stream's outbox records) on the bus",
  },
  'apply-progress': {
    trigger: 'queue',
    memoryMiB: 256,
    timeoutSeconds: CONSUMER_TIMEOUT_SECONDS.progress,
    description: 'Applies progress reports to the unit figures and task statuses',
  },
  'register-event': {
    trigger: 'queue',
    memoryMiB: 256,
    timeoutSeconds: CONSUMER_TIMEOUT_SECONDS.events,
    description: 'Registers sports events',
  },
  'aggregate-kpis': {
    trigger: 'schedule',
    memoryMiB: 512,
    timeoutSeconds: 120,
    description: 'Daily KPI aggregation: one snapshot per plan and day, emits kpi.snapshot.created',
  },
  'send-reminders': {
    trigger: 'schedule',
    memoryMiB: 512,
    timeoutSeconds: 120,
    description: 'Deadline reminders as one digest per unit (the job skips non-workdays itself)',
  },
  'deliver-notification': {
    trigger: 'queue',
    memoryMiB: 256,
    timeoutSeconds: CONSUMER_TIMEOUT_SECONDS.delivery,
    description: 'Sends reminder digests through SNS and the WeCom/DingTalk robots',
  },
  'query-api': {
    trigger: 'http',
    memoryMiB: 512,
    timeoutSeconds: 10,
    description: 'Read API: plan status, KPIs, tasks, overdue items, rankings, events, snapshots',
  },
  // Replays the audit trail up to the period's end and writes an xlsx: more time and memory than a read.
  'bulletin-api': {
    trigger: 'http',
    memoryMiB: 1024,
    timeoutSeconds: 29,
    description: 'Read API: the monthly and quarterly bulletins (通报) as xlsx, csv or html',
  },
  'office-api': {
    trigger: 'http',
    memoryMiB: 256,
    timeoutSeconds: 10,
    description: 'Office actions (督查室): review completion claims, amend the plan',
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** The functions invoked by `trigger`, as a type (e.g. the local runtime's HTTP functions). */
export type FunctionOf<T extends Trigger> = { [N in FunctionName]: (typeof FUNCTIONS)[N]['trigger'] extends T ? N : never }[FunctionName];

/** Where a function's code is, relative to the repository root. */
export const entryOf = (name: FunctionName): string => `functions/${name}/handler.ts`;

/** Everything the registry says of one function, its rights included. */
export interface FunctionDescription extends FunctionSpec {
  readonly name: FunctionName;
  readonly entry: string;
  /** Its statements on the table (`TABLE_ACCESS`). */
  readonly tableAccess: readonly TableAccess[];
  /** The detail-types it may put on the bus (`PUBLISHES`); empty for a function that publishes nothing. */
  readonly publishes: readonly string[];
}

export function functionSpec(name: FunctionName): FunctionDescription {
  return { name, entry: entryOf(name), ...FUNCTIONS[name], tableAccess: TABLE_ACCESS[name], publishes: PUBLISHES[name] ?? [] };
}

/** Where a function's code is; tests substitute fixture entries. Returns an absolute path. */
export type EntryResolver = (name: FunctionName) => string;
