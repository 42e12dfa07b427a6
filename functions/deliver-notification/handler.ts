import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamodb/delivery-receipts.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { DingtalkNotifier } from '../../shared/adapters/notify/dingtalk.js';
import { fetchHttpClient } from '../../shared/adapters/notify/http.js';
import { SecretsManagerRobotDirectory } from '../../shared/adapters/notify/robot-secrets.js';
import { SnsNotifier } from '../../shared/adapters/notify/sns.js';
import { WecomNotifier } from '../../shared/adapters/notify/wecom.js';
import { channelsFromDirectory } from '../../shared/reminders/channels.js';
import { createDeliverNotificationHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('deliver-notification');
const metrics = new EmfMetrics('deliver-notification');
const tableName = env.TABLE_NAME;
const doc = tracing.capture(documentClient());
const http = fetchHttpClient();
// Robot URLs are read once and cached in the function; they are never logged.
const robots = new SecretsManagerRobotDirectory(tracing.capture(new SecretsManagerClient({})), env.ROBOT_SECRET_ARN);

const app = createDeliverNotificationHandler({
  channelsFor: (orgId) => channelsFromDirectory(orgId),
  senders: {
    sns: new SnsNotifier(tracing.capture(new SNSClient({})), env.NOTIFICATION_TOPIC_ARN),
    wecom: new WecomNotifier(http, robots),
    dingtalk: new DingtalkNotifier(http, robots),
  },
  receipts: new DynamoDeliveryReceipts(doc, tableName),
  logger,
  metrics,
});

/** SQS delivery queue consumer (ReportBatchItemFailures). */
export const handler = wrap(app, publishMetrics(metrics));
