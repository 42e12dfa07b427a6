import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAggregateKpisHandler } from '../functions/aggregate-kpis/app.js';
import { createBulletinApiHandler } from '../functions/bulletin-api/app.js';
import { createApplyProgressHandler } from '../functions/apply-progress/app.js';
import { createDeliverNotificationHandler } from '../functions/deliver-notification/app.js';
import { createIngestWebhookHandler } from '../functions/ingest-webhook/app.js';
import { countWebhookOutcomes } from '../functions/ingest-webhook/outcomes.js';
import { createOfficeApiHandler } from '../functions/office-api/app.js';
import { createQueryApiHandler } from '../functions/query-api/app.js';
import { createRegisterEventHandler } from '../functions/register-event/app.js';
import { createRelayOutboxHandler } from '../functions/relay-outbox/app.js';
import { createSendRemindersHandler } from '../functions/send-reminders/app.js';
import { DynamoCalendarOverrides } from '../shared/adapters/dynamodb/calendar-overrides.js';
import { DynamoDeliveryReceipts } from '../shared/adapters/dynamodb/delivery-receipts.js';
import { DynamoReminderStore } from '../shared/adapters/dynamodb/reminder-store.js';
import { DynamoReviewStore } from '../shared/adapters/dynamodb/review-store.js';
import { DynamoAmendmentStore } from '../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../shared/plan/amender.js';
import { DynamoSnapshotStore } from '../shared/adapters/dynamodb/snapshot-store.js';
import { DynamoStateStore } from '../shared/adapters/dynamodb/state-store.js';
import { DynamoIntake } from '../shared/adapters/dynamodb/intake.js';
import { EmfMetrics, publishMetrics } from '../shared/adapters/metrics/emf.js';
import type { OutboxNotifier } from '../shared/adapters/notify/outbox.js';
import { chineseWorkdayCalendar } from '../shared/calendar/workdays.js';
import { tokenBucket } from '../shared/ingest/rate-limiter.js';
import type { Clock } from '../shared/ports/clock.js';
import { systemClock } from '../shared/time/clocks.js';
import { staticSourceRegistry, type WebhookSource } from '../shared/ingest/sources.js';
import type { Context } from 'aws-lambda';
import type { FunctionName } from '../infra/functions.js';
import type { LocalFunctions } from './registry.js';
import type { FunctionsFactory } from './runtime.js';

export interface LocalWiring {
  /**
   * A new document client over DynamoDB Local. Each function of each environment gets its own, as each
   * Lambda environment has its own SDK client (its own sockets and retry quota).
   */
  /** A client for one function's table calls (faults can target one function, local/faults.ts). */
  documentClient: (fn: FunctionName) => DynamoDBDocumentClient;
  tableName: string;
  sources: readonly WebhookSource[];
  /** The business clock (CLOCK): jobs, lights and reminders run on it. Webhook signatures use the real clock. */
  clock: Clock;
  /** The local notification channel (every unit's reminders land here). */
  outbox: OutboxNotifier;
  /** Signs the read API's page cursors. */
  cursorSecret: string;
  rateLimit?: { ratePerSecond: number; burst: number };
}

/** What a function's Lambda entry gives its app: the Powertools logger and the EMF metrics, named after it. */
interface Observability {
  logger: Logger;
  metrics: EmfMetrics;
}

/**
 * An app wrapped as its Lambda entry wraps it: middy, the logger's Lambda context, and the metrics
 * flushed after each invocation (a function that counts nothing writes nothing).
 */
function asLambda<TEvent, TResult>(name: FunctionName, build: (o: Observability) => (event: TEvent, context: Context) => Promise<TResult>) {
  const o: Observability = { logger: new Logger({ serviceName: name }), metrics: new EmfMetrics(name) };
  return middy(build(o)).use(injectLambdaContext(o.logger)).use(publishMetrics(o.metrics));
}

/**
 * The real functions, built from their `app.ts` factories with the adapters over DynamoDB Local, the
 * in-process bus and the outbox, and wrapped like their Lambda entries (middy + Powertools logger,
 * and the EMF metrics on stdout as in Lambda; POWERTOOLS_METRICS_DISABLED=true silences them). Keyed
 * by the registry's names (infra/functions.ts); the runtime invokes each as the routing tables say.
 */
export function localFunctions(w: LocalWiring): FunctionsFactory {
  return ({ bus, isAuthorized, isOffice, onRecordFailure }): LocalFunctions => {
    const stores = (fn: FunctionName) => {
      const doc = w.documentClient(fn);
      const amendments = new DynamoAmendmentStore(doc, w.tableName);
      return {
        doc,
        state: new DynamoStateStore(doc, w.tableName),
        snapshots: new DynamoSnapshotStore(doc, w.tableName),
        reviews: new DynamoReviewStore(doc, w.tableName),
        amendments,
        // As in Lambda: the read API and the jobs read the amendments once per invocation; ingest and
        // the consumers (a message at a time) keep them a short while (shared/plan/amender.ts).
        amender: planAmender(amendments, { ttlMs: 0 }),
        hotAmender: planAmender(amendments),
      };
    };
    const calendarLog = new Logger({ serviceName: 'workdays' });
    const calendar = chineseWorkdayCalendar((year) => calendarLog.warn('no holiday data for year; using Monday–Friday', { year }));
    const sources = staticSourceRegistry(w.sources);
    const readerOnly = (event: { headers: Record<string, string | undefined> }) => isAuthorized(event.headers);

    return {
      'ingest-webhook': asLambda('ingest-webhook', ({ logger, metrics }) =>
        countWebhookOutcomes(
          createIngestWebhookHandler({
            amender: stores('ingest-webhook').hotAmender,
            sources,
            intake: new DynamoIntake(w.documentClient('ingest-webhook'), w.tableName),
            clock: systemClock,
            logger,
            ...(w.rateLimit ? { rateLimiter: tokenBucket(w.rateLimit) } : {}),
          }),
          { metrics, sources },
        ),
      ),
      'relay-outbox': asLambda('relay-outbox', ({ logger }) => createRelayOutboxHandler({ bus, logger })),
      'query-api': asLambda('query-api', ({ logger }) => {
        const q = stores('query-api');
        return createQueryApiHandler({
          reader: q.state,
          reports: q.state,
          reviews: q.reviews,
          amender: q.amender,
          snapshots: q.snapshots,
          clock: w.clock,
          calendar,
          cursorKey: createHash('sha256').update(`cursor:${w.cursorSecret}`).digest(),
          logger,
          authorize: readerOnly,
        });
      }),
      'bulletin-api': asLambda('bulletin-api', ({ logger }) => {
        const b = stores('bulletin-api');
        return createBulletinApiHandler({
          reader: b.state,
          reports: b.state,
          reviews: b.reviews,
          amender: b.amender,
          clock: w.clock,
          calendar,
          logger,
          authorize: readerOnly,
        });
      }),
      'office-api': asLambda('office-api', ({ logger }) => {
        const o = stores('office-api');
        return createOfficeApiHandler({
          reader: o.state,
          reviews: o.reviews,
          amendments: o.amendments,
          amender: o.amender,
          // No bus, as in Lambda: its rows reach the bus through the table's stream (relay-outbox).
          clock: w.clock,
          logger,
          // The office token is the office role (AWS: a claim of the JWT); the read token may only read.
          authorize: (event) =>
            isOffice(event.headers)
              ? { kind: 'office', actor: 'local:office-token' }
              : isAuthorized(event.headers)
                ? { kind: 'reader' }
                : { kind: 'anonymous' },
        });
      }),
      'apply-progress': asLambda('apply-progress', ({ logger, metrics }) => {
        const p = stores('apply-progress');
        return createApplyProgressHandler({ writer: p.state, amender: p.hotAmender, logger, metrics, onFailure: onRecordFailure });
      }),
      'register-event': asLambda('register-event', ({ logger, metrics }) => {
        const e = stores('register-event');
        return createRegisterEventHandler({ writer: e.state, amender: e.hotAmender, logger, metrics, onFailure: onRecordFailure });
      }),
      'deliver-notification': asLambda('deliver-notification', ({ logger, metrics }) =>
        createDeliverNotificationHandler({
          channelsFor: () => [{ kind: 'outbox' }],
          senders: { outbox: w.outbox },
          receipts: new DynamoDeliveryReceipts(w.documentClient('deliver-notification'), w.tableName),
          logger,
          metrics,
          now: () => w.clock.now(),
        }),
      ),
      'aggregate-kpis': asLambda('aggregate-kpis', ({ logger }) => {
        const a = stores('aggregate-kpis');
        return createAggregateKpisHandler({
          reader: a.state,
          auditTrail: a.state,
          reviews: a.reviews,
          amender: a.amender,
          snapshots: a.snapshots,
          bus,
          clock: w.clock,
          logger,
        });
      }),
      'send-reminders': asLambda('send-reminders', ({ logger, metrics }) => {
        const r = stores('send-reminders');
        return createSendRemindersHandler({
          reader: r.state,
          reviews: r.reviews,
          amender: r.amender,
          store: new DynamoReminderStore(r.doc, w.tableName),
          calendarOverrides: new DynamoCalendarOverrides(r.doc, w.tableName),
          bus,
          clock: w.clock,
          calendar,
          logger,
          metrics,
        });
      }),
    };
  };
}
