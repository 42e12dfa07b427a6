import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';

const secrets = mockClient(SecretsManagerClient);
const ddb = mockClient(DynamoDBDocumentClient);

const context = {
  functionName: 'query-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:query-api',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/query-api',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function request(path: string, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /v1/plans/{planId}',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: { http: { method: 'GET', path }, requestId: 'r' },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const PREVIOUS_KEY = 'cursor-secret-before-rotation-0123';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

beforeAll(async () => {
  process.env.TABLE_NAME = 'supervision';
  process.env.CURSOR_SECRET_ARN = 'arn:aws:secretsmanager:cn-north-1:000000000000:secret:cursor';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'cursor-secret-0123456789abcdef' });
  // The key was rotated once: cursors signed with the previous version are still accepted.
  secrets
    .on(GetSecretValueCommand, { SecretId: process.env.CURSOR_SECRET_ARN, VersionStage: 'AWSPREVIOUS' })
    .resolves({ SecretString: PREVIOUS_KEY });
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
    const pk = input.ExpressionAttributeValues[':pk'];
    if (pk?.endsWith('#TASK#T08')) {
      return { Items: [{ pk, sk: 'REPORT#x', kind: 'report', webhookId: 'w1' }], LastEvaluatedKey: { pk, sk: 'REPORT#x' } };
    }
    return { Items: [] };
  });
  ({ handler } = await import('../../functions/query-api/handler.js'));
});

describe('query-api Lambda entry', () => {
  it('queries the table by partition, fetches the cursor secret once, and signs cursors with it', async () => {
    const plan = await handler(request('/v1/plans/jining-sports-2023'), context);
    expect(plan.statusCode).toBe(200);
    const task = await handler(request('/v1/plans/jining-sports-2023/tasks/T08', { limit: '1' }), context);
    expect(task.statusCode).toBe(200);
    const cursor = (JSON.parse(task.body ?? '') as { reports: { nextCursor: string } }).reports.nextCursor;
    expect(cursor).toMatch(/\./);
    const next = await handler(request('/v1/plans/jining-sports-2023/tasks/T08', { limit: '1', cursor }), context);
    expect(next.statusCode).toBe(200);

    // Once per container: the current version and the previous one.
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage)).toEqual([undefined, 'AWSPREVIOUS']);
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.every((q) => q.TableName === 'supervision' && q.KeyConditionExpression?.startsWith('pk = :pk'))).toBe(true);
    const pks = queries.map((q) => q.ExpressionAttributeValues?.[':pk']);
    expect(pks).toContain('PLAN#jining-sports-2023#STATE');
    expect(pks).toContain('PLAN#jining-sports-2023#EVENT');
    const reportQueries = queries.filter((q) => q.ExpressionAttributeValues?.[':pk'] === 'PLAN#jining-sports-2023#TASK#T08');
    expect(reportQueries.map((q) => [q.ScanIndexForward, q.Limit])).toEqual([
      [false, 1],
      [false, 1],
    ]);
    expect(reportQueries[1]?.ExclusiveStartKey).toEqual({ pk: 'PLAN#jining-sports-2023#TASK#T08', sk: 'REPORT#x' });
  });

  it('accepts a cursor signed with the previous version of the key (after a rotation)', async () => {
    const { cursorCodec } = await import('../../functions/query-api/cursor.js');
    const old = cursorCodec(PREVIOUS_KEY).encode({
      v: 1,
      r: 'reports',
      p: 'jining-sports-2023',
      t: 'T08',
      k: { pk: 'PLAN#jining-sports-2023#TASK#T08', sk: 'REPORT#x' },
    });
    const res = await handler(request('/v1/plans/jining-sports-2023/tasks/T08', { limit: '1', cursor: old }), context);
    expect(res.statusCode).toBe(200);
    const forged = cursorCodec('a-key-the-service-never-had-0123').encode({
      v: 1,
      r: 'reports',
      p: 'jining-sports-2023',
      t: 'T08',
      k: { pk: 'PLAN#jining-sports-2023#TASK#T08', sk: 'REPORT#x' },
    });
    expect((await handler(request('/v1/plans/jining-sports-2023/tasks/T08', { limit: '1', cursor: forged }), context)).statusCode).toBe(
      400,
    );
  });
});
