import { PARTITIONS, type Partition } from '../shared/adapters/dynamodb/keys.js';
import { WEBHOOK_TYPES } from '../events/schemas.js';
import type { FunctionName } from './functions.js';

/** DynamoDB actions (without the `dynamodb:` prefix) a function may call on the table. */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchGetItem' | 'ConditionCheckItem';

export interface TableAccess {
  readonly actions: readonly TableAction[];
  /** Restricts the partition keys the function may touch (`dynamodb:LeadingKeys`, StringLike). */
  readonly leadingKeys?: readonly string[];
}

/**
 * Who may do what on the table: the least each handler needs (docs/data-model.md, "written by").
 * `TransactWriteItems` is not an IAM action: a transaction is authorised by the actions of its
 * parts (Put → PutItem, Update → UpdateItem, ConditionCheck → ConditionCheckItem).
 */
export const TABLE_ACCESS: Record<FunctionName, TableAccess> = {
  // Receipts: claim (conditional Put), mark published (Update); the shared rate budget (conditional ADD).
  // The plan's amendments (Query, kept a minute per instance) for the unit checks.
  'ingest-webhook': access(['PutItem', 'UpdateItem', 'Query'], ['webhooks', 'rates', 'amendments']),
  // Audit row and period marker (Put), current records (conditional Update).
  // The plan's amendments (Query, kept a minute per instance) for the checks it repeats.
  'apply-progress': access(['PutItem', 'UpdateItem', 'Query'], ['audit', 'state', 'period', 'amendments']),
  // An update of a known event is a conditional Put; a new one a transaction of its Put and its source's counter (Update).
  'register-event': access(['PutItem', 'UpdateItem', 'Query'], ['events', 'amendments']),
  // Reads state, events, the office's decisions and (reconcile) the audit trail; writes the day's snapshot.
  'aggregate-kpis': access(['Query', 'PutItem'], ['state', 'events', 'audit', 'snapshots', 'reviews', 'amendments']),
  // Reads state and period markers; its digest transaction is made of Puts (claims, escalation state, outbox), then marks digests enqueued.
  // Also the events (a held event completes a milestone) and the holiday override of the operator (CALENDAR#override).
  'send-reminders': access(['Query', 'BatchGetItem', 'PutItem', 'UpdateItem'], ['state', 'period', 'events', 'calendar', 'reviews', 'amendments', 'reminders', 'digests']),
  // Delivery receipts only: claim (Put), complete (Update), release after a failed send (Delete).
  'deliver-notification': access(['PutItem', 'UpdateItem', 'DeleteItem'], ['deliveries']),
  // Read-only: plan state, events, the audit trail (reports; a claim's own row), snapshots, review decisions.
  'query-api': access(['Query'], ['state', 'events', 'audit', 'snapshots', 'reviews', 'amendments']),
  // The office's actions: reads the unit's claim (state), the task's decisions and the amendments;
  // puts a decision or an amendment once (conditional Put).
  'office-api': access(['Query', 'PutItem'], ['state', 'reviews', 'amendments']),
};

function access(actions: readonly TableAction[], partitions: readonly Partition[]): TableAccess {
  return { actions, leadingKeys: partitions.map((p) => PARTITIONS[p]) };
}

/** The detail-types each function puts on the bus (its `events:PutEvents` grant is limited to them). */
export const PUBLISHES: Partial<Record<FunctionName, readonly string[]>> = {
  'ingest-webhook': WEBHOOK_TYPES,
  'aggregate-kpis': ['kpi.snapshot.created'],
  'send-reminders': ['reminder.due'],
  'office-api': ['review.recorded', 'plan.amended'],
};
