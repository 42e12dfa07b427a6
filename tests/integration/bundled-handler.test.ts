import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { bundle, initEnv, LAMBDA_ENV } from '../../bench/cold-start.js';
import { entryOf } from '../../infra/functions.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { progressReport, sqsRecord } from '../helpers/reports.js';

/**
 * The function as deployed, not its sources: the bundle that infra/ builds (minified, UTF-8, the
 * SDK inside with two dynamic-only modules left out, Zod Mini, the Lambda credential alias), run in
 * a Node process of its own with the variables Lambda sets, against the run's DynamoDB Local. The
 * other tests run the sources; only this one would see a bundle that breaks at load or at its
 * first call (a module left out that is needed after all, a schema without its messages).
 */
const dir = mkdtempSync(join(tmpdir(), 'bundled-'));
let table: Awaited<ReturnType<typeof createTestTable>>;
let file: string;

beforeAll(async () => {
  table = await createTestTable();
  file = join(dir, 'apply-progress.mjs');
  await bundle(resolve(entryOf('apply-progress')), file);
}, 60_000);
afterAll(async () => {
  await table.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Invokes the bundle's handler once with `event`, in a fresh process: what it answered, and its log. */
function invoke(event: unknown): { answer: unknown; log: string } {
  const script = `
    const { handler } = await import(${JSON.stringify(file)});
    const context = { awsRequestId: 'r-1', functionName: 'apply-progress', getRemainingTimeInMillis: () => 30000 };
    const out = await handler(JSON.parse(process.env.EVENT), context);
    process.stdout.write('\\n@@' + JSON.stringify(out ?? null));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    // The variables the cold-start bench starts every bundle with, pointed at this run's table.
    env: initEnv({
      ...LAMBDA_ENV,
      EVENT: JSON.stringify(event),
      AWS_REGION: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
      AWS_LAMBDA_FUNCTION_NAME: 'apply-progress',
      TABLE_NAME: table.tableName,
      POWERTOOLS_SERVICE_NAME: 'apply-progress',
      POWERTOOLS_METRICS_NAMESPACE: 'Bench',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    }),
  });
  expect(r.status, r.stderr).toBe(0);
  const marker = r.stdout.lastIndexOf('\n@@');
  expect(marker, r.stdout).toBeGreaterThanOrEqual(0);
  return { answer: JSON.parse(r.stdout.slice(marker + 3)), log: `${r.stdout.slice(0, marker)}${r.stderr}` };
}

describe('apply-progress as bundled for Lambda', () => {
  it('applies a report to DynamoDB and refuses a malformed one by name, with zod’s message', async () => {
    const report = progressReport({ webhookId: 'msg_bundled', metrics: [{ kpiId: 'sports-clubs', value: 41 }] });
    const good = sqsRecord('progress.submitted', report, 'm-good');
    const bad = sqsRecord('progress.submitted', { ...report, planId: undefined, webhookId: 'msg_bad' }, 'm-bad');

    const { answer, log } = invoke({ Records: [good, bad] });

    const state = await new DynamoStateStore(table.doc, table.tableName).loadPlanState(report.planId);
    expect(state.figures).toContainEqual(expect.objectContaining({ kpiId: 'sports-clubs', orgId: report.orgId, value: 41 }));
    expect(state.units).toContainEqual(expect.objectContaining({ taskId: report.taskId, orgId: report.orgId, webhookId: 'msg_bundled' }));
    // Only the malformed record fails, and its reason is zod's English message (Mini has no locale of its own).
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(log).toContain('detail.planId: Invalid input: expected string, received undefined');
  }, 120_000);
});
