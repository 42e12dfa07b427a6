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
  'ingest-webhook': { actions: ['PutItem', 'GetItem', 'UpdateItem'], leadingKeys: ['WEBHOOK#*'] },
  'apply-progress': { actions: ['PutItem', 'UpdateItem', 'GetItem'] },
  'register-event': { actions: ['PutItem', 'UpdateItem', 'GetItem'] },
  'aggregate-kpis': { actions: ['Query', 'GetItem', 'PutItem'] },
  // Its digest transaction is made of Puts only (claims, escalation state, outbox).
  'send-reminders': { actions: ['Query', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
  // Delivery receipts only: claim (Put), complete (Update), release after a failed send (Delete).
  'deliver-notification': { actions: ['PutItem', 'UpdateItem', 'DeleteItem'], leadingKeys: ['DELIVERY#*'] },
  'query-api': { actions: ['Query', 'GetItem'] },
};
