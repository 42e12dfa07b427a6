import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoSnapshotStore } from '../../shared/adapters/dynamodb/snapshot-store.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createQueryApiHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('query-api');
const metrics = new EmfMetrics('query-api');
const doc = tracing.capture(documentClient());
const tableName = env.TABLE_NAME;
const cursorSecretArn = env.CURSOR_SECRET_ARN;
const secrets = tracing.capture(new SecretsManagerClient({}));
const state = new DynamoStateStore(doc, tableName);

/**
 * The cursor key is fetched once per container (the secret's value is never logged): the current
 * version signs, and the previous version (Secrets Manager's AWSPREVIOUS stage after a rotation) is
 * still accepted, so that cursors handed out before the rotation keep working.
 */
let app: Promise<(event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>> | undefined;

async function build() {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: cursorSecretArn }));
  const current = out.SecretString;
  if (!current) throw new Error('cursor secret has no SecretString');
  const previous = await secrets
    .send(new GetSecretValueCommand({ SecretId: cursorSecretArn, VersionStage: 'AWSPREVIOUS' }))
    .then((p) => p.SecretString)
    .catch((err: unknown) => {
      if (err instanceof ResourceNotFoundException) return undefined; // never rotated
      throw err;
    });
  const cursorKey = previous && previous !== current ? [current, previous] : current;
  return createQueryApiHandler({
    reader: state,
    reports: state,
    reviews: new DynamoReviewStore(doc, tableName),
    // Read once per request (a small partition): an amendment shows at once.
    amender: planAmender(new DynamoAmendmentStore(doc, tableName), { ttlMs: 0 }),
    snapshots: new DynamoSnapshotStore(doc, tableName),
    clock: systemClock,
    calendar: chineseWorkdayCalendar((year) => {
      logger.warn('no holiday data for year; using Monday–Friday', { year });
      metrics.count('CalendarYearMissing', {}, 1, { year });
    }),
    cursorKey,
    logger,
  });
}

export const handler = wrap(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  app ??= build().catch((err: unknown) => {
    app = undefined; // retry on the next invocation rather than poison the container
    throw err;
  });
  return (await app)(event);
}, publishMetrics(metrics));
