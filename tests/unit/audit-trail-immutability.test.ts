import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DynamoIntake } from '../../shared/adapters/dynamodb/intake.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamodb/delivery-receipts.js';
import { DynamoSnapshotStore } from '../../shared/adapters/dynamodb/snapshot-store.js';
import { PARTITIONS, reportSk, taskAuditPk, utcInstant } from '../../shared/adapters/dynamodb/keys.js';
import { TABLE_ACCESS } from '../../infra/permissions.js';
import { progressReport, sportsEvent } from '../helpers/reports.js';

/**
 * Issue 10: no update or delete path exists for the audit trail of reports (`PLAN#p#TASK#t` /
 * `REPORT#…`). Since issue 18 the audit row is ingest's durable accept (the outbox record the stream
 * carries to the bus): written once by the intake, read by the state store. Three views: the source
 * (no update, delete, transaction or batch write can reach those keys), the behaviour (what the
 * adapters actually send), and the IAM grants.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...tsFiles(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** The text of each `new <Command>(…)` call (balanced parentheses) in `source`. */
function commandCalls(source: string, command: string): string[] {
  const calls: string[] = [];
  const re = new RegExp(`new ${command}\\(`, 'g');
  for (let m = re.exec(source); m; m = re.exec(source)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < source.length; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')' && --depth === 0) break;
    }
    calls.push(source.slice(m.index, i + 1));
  }
  return calls;
}

const AUDIT_KEY = /taskAuditPk|reportSk|REPORT#|#TASK#/;
const WRITE_COMMANDS = [
  'UpdateCommand',
  'DeleteCommand',
  'TransactWriteCommand',
  'BatchWriteCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
];

describe('the source has no update or delete path for the audit trail', () => {
  const code = ['shared', 'functions', 'local', 'scripts'].flatMap((d) => {
    try {
      return tsFiles(d);
    } catch {
      return [];
    }
  });
  const adapters = code.filter((f) => f.startsWith(join('shared', 'adapters')));

  it('scans the adapters (the only code allowed to talk to DynamoDB) and finds the writers', () => {
    expect(adapters).toContain(join('shared', 'adapters', 'dynamodb', 'state-store.ts'));
    const all = adapters.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    // The scan below sees real commands (so that "none targets the audit trail" means something).
    // (rate budget, reminder store, delivery receipts)
    expect(commandCalls(all, 'UpdateCommand').length).toBeGreaterThanOrEqual(3);
    expect(commandCalls(all, 'DeleteCommand').length).toBeGreaterThan(0);
    expect(commandCalls(all, 'TransactWriteCommand').length).toBeGreaterThan(0);
  });

  it('no UpdateCommand, DeleteCommand, TransactWriteCommand or BatchWriteCommand names an audit key', () => {
    const offenders: string[] = [];
    for (const file of code) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const command of WRITE_COMMANDS) {
        for (const call of commandCalls(source, command))
          if (AUDIT_KEY.test(call)) offenders.push(`${relative(ROOT, join(ROOT, file))}: ${call.slice(0, 120)}`);
      }
      // A file that builds transaction items or deletes must not touch audit keys anywhere.
      if (/TransactWriteCommand|DeleteCommand|BatchWriteCommand|TransactItems/.test(source) && AUDIT_KEY.test(source))
        offenders.push(`${file}: mixes transactions/deletes with audit keys`);
    }
    expect(offenders).toEqual([]);
  });

  it('the audit keys are built in one place (outbox.ts), written by one conditional put (intake.ts), and otherwise only queried (state-store.ts; the review store, to read a claim)', () => {
    const dynamo = (f: string) => join('shared', 'adapters', 'dynamodb', f);
    const users = code.filter(
      (f) => !f.endsWith(join('dynamodb', 'keys.ts')) && /taskAuditPk|reportSk/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(users.sort()).toEqual([dynamo('outbox.ts'), dynamo('review-store.ts'), dynamo('state-store.ts')]);

    // outbox.ts builds the row (reportSk once) and sends nothing.
    const outbox = readFileSync(join(ROOT, dynamo('outbox.ts')), 'utf8');
    expect(outbox.match(/reportSk\(/g) ?? []).toHaveLength(1);
    expect(outbox).not.toMatch(/Command\b|\.send\(/);

    // The only code that stores an outbox record is the intake: one Put, with attribute_not_exists(pk), never an update.
    const builders = code.filter(
      (f) => !f.endsWith(join('dynamodb', 'outbox.ts')) && /\boutboxRecord\(/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(builders).toEqual([dynamo('intake.ts')]);
    const intake = readFileSync(join(ROOT, dynamo('intake.ts')), 'utf8');
    const puts = commandCalls(intake, 'PutCommand');
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatch(/Item: outboxRecord\(message, bodyHash\),\s*ConditionExpression: 'attribute_not_exists\(pk\)'/);
    for (const command of WRITE_COMMANDS) expect(commandCalls(intake, command), command).toEqual([]);

    // Issue 15: the review store reads a claim's audit row (a query's key value) and never names a report's key.
    const reviews = readFileSync(join(ROOT, dynamo('review-store.ts')), 'utf8');
    expect(reviews).not.toMatch(/reportSk\(/);
    const reviewUses = reviews.split('\n').filter((l) => l.includes('taskAuditPk('));
    expect(reviewUses).toHaveLength(1);
    expect(reviewUses[0]).toMatch(/':pk': taskAuditPk\(/);
    // Its one write is the decision's put, once (attribute_not_exists), into its own partition: the
    // item is the decision's row (`decisionItem`, also an outbox record), keyed by reviewsPk.
    const reviewPuts = commandCalls(reviews, 'PutCommand');
    expect(reviewPuts).toHaveLength(1);
    expect(reviewPuts[0]).toMatch(/Item: decisionItem\(decision\),/);
    expect(reviewPuts[0]).toMatch(/ConditionExpression: 'attribute_not_exists\(pk\)'/);
    expect(reviews.split('\n').filter((l) => /^\s*pk: /.test(l))).toEqual(['    pk: reviewsPk(decision.planId),']);

    // The state store only queries the trail: every use of taskAuditPk is a query's key value, and it never builds a REPORT# key.
    const store = readFileSync(join(ROOT, dynamo('state-store.ts')), 'utf8');
    expect(store).not.toMatch(/reportSk\(/);
    const lines = store.split('\n').filter((l) => l.includes('taskAuditPk('));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/':pk': taskAuditPk\(/);
  });
});

describe('what the adapters send (aws-sdk-client-mock)', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  beforeEach(() => {
    ddb.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetCommand).resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: {} });
  });

  const report = progressReport({
    webhookId: 'msg_audit',
    reportedAt: '2023-06-20T10:00:00+08:00',
    metrics: [
      { kpiId: 'sports-clubs', value: 40 },
      { kpiId: 'sports-associations', value: 12 },
    ],
  });
  const auditPk = taskAuditPk(report.planId, report.taskId);
  const auditSk = reportSk(utcInstant(report.reportedAt), report.sourceId, report.webhookId);

  /** Every key any command touched, with the command's name and condition. */
  function touched(): Array<{ command: string; pk: unknown; sk: unknown; condition?: string }> {
    const out: Array<{ command: string; pk: unknown; sk: unknown; condition?: string }> = [];
    for (const call of ddb.calls()) {
      const cmd = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      const name = cmd.constructor.name;
      const input = cmd.input as {
        Key?: { pk: unknown; sk: unknown };
        Item?: { pk: unknown; sk: unknown };
        ConditionExpression?: string;
        TransactItems?: Array<
          Record<string, { Key?: { pk: unknown; sk: unknown }; Item?: { pk: unknown; sk: unknown }; ConditionExpression?: string }>
        >;
        RequestItems?: Record<string, unknown>;
      };
      if (name === 'QueryCommand' || name === 'BatchGetCommand' || name === 'GetCommand') continue;
      if (input.TransactItems) {
        for (const t of input.TransactItems) {
          for (const [op, v] of Object.entries(t)) {
            const k = v.Key ?? v.Item;
            out.push({
              command: `Transact.${op}`,
              pk: k?.pk,
              sk: k?.sk,
              ...(v.ConditionExpression ? { condition: v.ConditionExpression } : {}),
            });
          }
        }
        continue;
      }
      const k = input.Key ?? input.Item;
      out.push({ command: name, pk: k?.pk, sk: k?.sk, ...(input.ConditionExpression ? { condition: input.ConditionExpression } : {}) });
    }
    return out;
  }

  it('the intake writes the audit row once, only with attribute_not_exists(pk); applying the report writes only its unit item', async () => {
    expect(await new DynamoIntake(doc, 'supervision').accept({ type: 'progress.submitted', detail: report }, 'hash')).toBe('accepted');
    expect(touched()).toEqual([{ command: 'PutCommand', pk: auditPk, sk: auditSk, condition: 'attribute_not_exists(pk)' }]);
    ddb.resetHistory();
    const store = new DynamoStateStore(doc, 'supervision');
    expect(await store.applyProgress(report)).toMatchObject({ outcome: 'applied' });
    const writes = touched();
    expect(writes).toEqual([
      {
        command: 'PutCommand',
        pk: `PLAN#${report.planId}#STATE`,
        sk: `TASK#${report.taskId}#ORG#${report.orgId}`,
        condition: 'attribute_not_exists(pk)',
      },
    ]);
  });

  it('a resend whose audit row exists changes nothing in the trail: no overwrite, no update, no delete', async () => {
    ddb.on(PutCommand, { Item: { pk: auditPk } }).rejects(
      Object.assign(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }), {
        Item: { bodyHash: { S: 'hash' } },
      }),
    );
    const intake = new DynamoIntake(doc, 'supervision');
    // The same message, and a tampered copy with the same (reportedAt, source, webhookId).
    expect(await intake.accept({ type: 'progress.submitted', detail: report }, 'hash')).toBe('resend');
    expect(
      await intake.accept(
        { type: 'progress.submitted', detail: { ...report, metrics: [{ kpiId: 'sports-clubs', value: 9999 }], summary: 'rewritten' } },
        'other',
      ),
    ).toBe('conflict');
    const audit = touched().filter((w) => w.pk === auditPk || String(w.sk).startsWith('REPORT#'));
    expect(audit).toHaveLength(2);
    for (const w of audit) expect(w).toEqual({ command: 'PutCommand', pk: auditPk, sk: auditSk, condition: 'attribute_not_exists(pk)' });
  });

  it('no other adapter write touches a task audit partition or a REPORT# key', async () => {
    const state = new DynamoStateStore(doc, 'supervision');
    await state.registerEvent(sportsEvent());
    await state.loadPlanState('jining-sports-2023');
    await state.listReports('jining-sports-2023', 'T08', { limit: 10 });
    await state.auditTrail('jining-sports-2023', 'T08');
    await state.applyProgress(report);
    await new DynamoIntake(doc, 'supervision').accept({ type: 'event.registered', detail: sportsEvent() }, 'h');
    const deliveries = new DynamoDeliveryReceipts(doc, 'supervision');
    const digestId = 'digest-1';
    await deliveries.begin(digestId, 'outbox', new Date('2023-10-09T01:00:00Z'));
    await deliveries.complete(digestId, 'outbox', new Date('2023-10-09T01:00:01Z'));
    await deliveries.release(digestId, 'outbox');
    await new DynamoSnapshotStore(doc, 'supervision').putSnapshot({
      planId: 'jining-sports-2023',
      date: '2023-10-09',
      createdAt: '2023-10-09T01:00:00.000Z',
      view: { expected: 0, summary: { green: 0, yellow: 0, red: 0, done: 0 }, kpis: [], tasks: [], sections: [] } as never,
    });

    const writes = touched();
    expect(writes.map((w) => w.command)).toEqual(expect.arrayContaining(['PutCommand', 'DeleteCommand']));
    expect(writes.filter((w) => /#TASK#/.test(String(w.pk)) || String(w.sk).startsWith('REPORT#'))).toEqual([]);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});

describe('IAM: the grants leave no delete path on the table but the delivery leases', () => {
  const grants = Object.entries(TABLE_ACCESS).flatMap(([name, list]) => list.map((g) => ({ name, ...g })));

  it('apply-progress may not DeleteItem (nor any batch write)', () => {
    expect(TABLE_ACCESS['apply-progress'].flatMap((g) => g.actions)).not.toContain('DeleteItem');
    for (const g of grants) expect(g.actions as readonly string[]).not.toContain('BatchWriteItem');
  });

  it('the only function that may DeleteItem is deliver-notification, and only on DELIVERY# keys', () => {
    const deleters = grants.filter((g) => g.actions.includes('DeleteItem'));
    expect(deleters.map((g) => g.name)).toEqual(['deliver-notification']);
    expect(deleters[0]?.leadingKeys).toEqual(['DELIVERY#*']);
  });

  it('only ingest-webhook may write the audit partition, and only with PutItem (no update, no delete)', () => {
    const writers = grants.filter(
      (g) => g.leadingKeys.includes(PARTITIONS.audit) && g.actions.some((a) => a !== 'Query' && a !== 'GetItem' && a !== 'BatchGetItem'),
    );
    expect(writers.map((g) => [g.name, g.actions])).toEqual([['ingest-webhook', ['PutItem']]]);
  });

  it('infra grants table actions only through TABLE_ACCESS (no broad grant helper adds deletes)', () => {
    const infra = tsFiles('infra').map((f) => [f, readFileSync(join(ROOT, f), 'utf8')] as const);
    const broad = infra.filter(([, s]) =>
      /\.grant(ReadWrite|Write|Full)(Data|Access)\(|dynamodb:\*|'dynamodb:DeleteItem'|"dynamodb:DeleteItem"/.test(s),
    );
    expect(broad.map(([f]) => f)).toEqual([]);
  });
});
