import { PARTITIONS, type Partition } from '../shared/adapters/dynamodb/keys.js';
import { OUTBOX_KINDS } from '../shared/adapters/dynamodb/outbox.js';
import type { FunctionName } from './functions.js';

/** DynamoDB actions (without the `dynamodb:` prefix) a function may call on the table. */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchGetItem' | 'ConditionCheckItem';

/** One statement: these actions, on these partitions only (`dynamodb:LeadingKeys`, StringLike). */
export interface TableAccess {
  readonly actions: readonly TableAction[];
  readonly leadingKeys: readonly string[];
}

/**
 * Who may do what on the table: the least each handler needs (docs/data-model.md, "written by"), one
 * statement per kind of access, so that e.g. ingest may put an audit row but never update one.
 * `TransactWriteItems` is not an IAM action: a transaction is authorised by the actions of its
 * parts (Put → PutItem, Update → UpdateItem, ConditionCheck → ConditionCheckItem).
 */
export const TABLE_ACCESS: Record<FunctionName, readonly TableAccess[]> = {
  // The durable accept: a report's audit row or an event message (conditional Put, never updated);
  // the shared rate budget (conditional ADD); the plan's amendments (Query, kept a minute per
  // instance) for the unit checks.
  'ingest-webhook': [access(['PutItem'], ['audit', 'webhooks']), access(['UpdateItem'], ['rates']), access(['Query'], ['amendments'])],
  // Nothing on the table: its event source mapping reads the table's stream for it (STREAM_READ).
  'relay-outbox': [],
  // The unit's state item: read, merged, put back with a version condition; the plan's amendments
  // (Query, kept a minute per instance) for the checks it repeats.
  'apply-progress': [access(['GetItem', 'PutItem'], ['state']), access(['Query'], ['amendments'])],
  // An update of a known event is a conditional Put; a new one a transaction of its Put and its
  // source's counter (Update); the amendments for the checks.
  'register-event': [access(['PutItem', 'UpdateItem'], ['events']), access(['Query'], ['amendments'])],
  // Reads state, events, the office's decisions, the amendments and (reconcile) the audit trail;
  // writes the day's snapshot and trend.
  'aggregate-kpis': [access(['Query'], ['state', 'events', 'audit', 'reviews', 'amendments']), access(['PutItem'], ['snapshots'])],
  // Reads state (the periods reported are in the unit items), the events (a held event completes a
  // milestone), the holiday override of the operator (CALENDAR#override), the decisions and the
  // amendments; its digest transaction is made of Puts (claims, escalation state, outbox), then marks
  // digests enqueued.
  'send-reminders': [
    access(
      ['Query', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      ['state', 'events', 'calendar', 'reviews', 'amendments', 'reminders', 'digests'],
    ),
  ],
  // Delivery receipts only: claim (Put), complete (Update), release after a failed send (Delete).
  'deliver-notification': [access(['PutItem', 'UpdateItem', 'DeleteItem'], ['deliveries'])],
  // Read-only: plan state, events, the audit trail (reports; a claim's own row), snapshots and trend,
  // review decisions, amendments.
  'query-api': [access(['Query'], ['state', 'events', 'audit', 'snapshots', 'reviews', 'amendments'])],
  // Read-only: the audit trail (replayed up to the period's end), the events, the decisions and the
  // amendments as of the period's end.
  'bulletin-api': [access(['Query'], ['events', 'audit', 'reviews', 'amendments'])],
  // The office's actions: reads the unit's claim (state), the task's decisions and the amendments;
  // puts a decision or an amendment once (conditional Put), an outbox record the stream relays.
  'office-api': [access(['Query', 'PutItem'], ['state', 'reviews', 'amendments'])],
};

function access(actions: readonly TableAction[], partitions: readonly Partition[]): TableAccess {
  return { actions, leadingKeys: partitions.map((p) => PARTITIONS[p]) };
}

/**
 * The table's stream: what the event source mapping of `relay-outbox` calls with its role (the AWS
 * documentation's policy for a Lambda trigger, on the stream's ARN only). The local runtime's stream
 * reader makes the same calls (tests/integration/iam-as-used.test.ts).
 */
export const STREAM_READ: { readonly reader: FunctionName; readonly actions: readonly StreamAction[] } = {
  reader: 'relay-outbox',
  actions: ['DescribeStream', 'GetShardIterator', 'GetRecords', 'ListStreams'],
};
export type StreamAction = 'DescribeStream' | 'GetShardIterator' | 'GetRecords' | 'ListStreams';

/** The detail-types each function puts on the bus (its `events:PutEvents` grant is limited to them). */
export const PUBLISHES: Partial<Record<FunctionName, readonly string[]>> = {
  // What the outbox records stand for, from the table's stream: the webhooks' events and the office's
  // decisions and amendments (ingest and office-api no longer publish: they store).
  'relay-outbox': Object.values(OUTBOX_KINDS),
  'aggregate-kpis': ['kpi.snapshot.created'],
  'send-reminders': ['reminder.due'],
};
