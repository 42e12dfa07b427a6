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
import type { FunctionsFactory } from './runtime.js';

export interface LocalWiring {
  /**
   * A new document client over DynamoDB Local. Each function of each environment gets its own, as each
   * Lambda environment has its own SDK client (its own sockets and retry quota).
   */
  documentClient: () => DynamoDBDocumentClient;
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

function logger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/**
 * The real functions, built from their `app.ts` factories with the adapters over DynamoDB Local, the
 * in-process bus and the outbox, and wrapped like their Lambda entries (middy + Powertools logger,
 * and the EMF metrics on stdout as in Lambda; POWERTOOLS_METRICS_DISABLED=true silences them).
 */
export function localFunctions(w: LocalWiring): FunctionsFactory {
  return ({ bus, isAuthorized, isOffice, onRecordFailure }) => {
    const stores = () => {
      const doc = w.documentClient();
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
    const calendarLog = logger('workdays');
    const calendar = chineseWorkdayCalendar((year) => calendarLog.warn('no holiday data for year; using Monday–Friday', { year }));

    const ingestLog = logger('ingest-webhook');
    const ingestMetrics = new EmfMetrics('ingest-webhook');
    const sources = staticSourceRegistry(w.sources);
    const ingest = middy(
      countWebhookOutcomes(
        createIngestWebhookHandler({
          amender: stores().hotAmender,
          sources,
          intake: new DynamoIntake(w.documentClient(), w.tableName),
          clock: systemClock,
          logger: ingestLog,
          ...(w.rateLimit ? { rateLimiter: tokenBucket(w.rateLimit) } : {}),
        }),
        { metrics: ingestMetrics, sources },
      ),
    )
      .use(injectLambdaContext(ingestLog))
      .use(publishMetrics(ingestMetrics));

    const relayLog = logger('relay-outbox');
    const relay = middy(createRelayOutboxHandler({ bus, logger: relayLog })).use(injectLambdaContext(relayLog));

    const queryLog = logger('query-api');
    const q = stores();
    const query = middy(
      createQueryApiHandler({
        reader: q.state,
        reports: q.state,
        reviews: q.reviews,
        amender: q.amender,
        snapshots: q.snapshots,
        clock: w.clock,
        calendar,
        cursorKey: createHash('sha256').update(`cursor:${w.cursorSecret}`).digest(),
        logger: queryLog,
        authorize: (event) => isAuthorized(event.headers),
      }),
    ).use(injectLambdaContext(queryLog));

    const bulletinsLog = logger('bulletin-api');
    const b = stores();
    const bulletins = middy(
      createBulletinApiHandler({
        reader: b.state,
        reports: b.state,
        reviews: b.reviews,
        amender: b.amender,
        clock: w.clock,
        calendar,
        logger: bulletinsLog,
        authorize: (event) => isAuthorized(event.headers),
      }),
    ).use(injectLambdaContext(bulletinsLog));

    const officeLog = logger('office-api');
    const o = stores();
    const office = middy(
      createOfficeApiHandler({
        reader: o.state,
        reviews: o.reviews,
        amendments: o.amendments,
        amender: o.amender,
        bus,
        clock: w.clock,
        logger: officeLog,
        // The office token is the office role (AWS: a claim of the JWT); the read token may only read.
        authorize: (event) => (isOffice(event.headers) ? { kind: 'office', actor: 'local:office-token' } : isAuthorized(event.headers) ? { kind: 'reader' } : { kind: 'anonymous' }),
      }),
    ).use(injectLambdaContext(officeLog));

    const progressLog = logger('apply-progress');
    const progressMetrics = new EmfMetrics('apply-progress');
    const p = stores();
    const progress = middy(createApplyProgressHandler({ writer: p.state, amender: p.hotAmender, logger: progressLog, metrics: progressMetrics, onFailure: onRecordFailure }))
      .use(injectLambdaContext(progressLog))
      .use(publishMetrics(progressMetrics));

    const eventsLog = logger('register-event');
    const eventsMetrics = new EmfMetrics('register-event');
    const e = stores();
    const events = middy(createRegisterEventHandler({ writer: e.state, amender: e.hotAmender, logger: eventsLog, metrics: eventsMetrics, onFailure: onRecordFailure }))
      .use(injectLambdaContext(eventsLog))
      .use(publishMetrics(eventsMetrics));

    const deliveryLog = logger('deliver-notification');
    const deliveryMetrics = new EmfMetrics('deliver-notification');
    const delivery = middy(
      createDeliverNotificationHandler({
        channelsFor: () => [{ kind: 'outbox' }],
        senders: { outbox: w.outbox },
        receipts: new DynamoDeliveryReceipts(w.documentClient(), w.tableName),
        logger: deliveryLog,
        metrics: deliveryMetrics,
        now: () => w.clock.now(),
      }),
    )
      .use(injectLambdaContext(deliveryLog))
      .use(publishMetrics(deliveryMetrics));

    const aggregateLog = logger('aggregate-kpis');
    const a = stores();
    const aggregate = middy(
      createAggregateKpisHandler({ reader: a.state, auditTrail: a.state, reviews: a.reviews, amender: a.amender, snapshots: a.snapshots, bus, clock: w.clock, logger: aggregateLog }),
    ).use(injectLambdaContext(aggregateLog));

    const remindersLog = logger('send-reminders');
    const remindersMetrics = new EmfMetrics('send-reminders');
    const r = stores();
    const reminders = middy(
      createSendRemindersHandler({
        reader: r.state,
        reviews: r.reviews,
        amender: r.amender,
        store: new DynamoReminderStore(r.doc, w.tableName),
        calendarOverrides: new DynamoCalendarOverrides(r.doc, w.tableName),
        bus,
        clock: w.clock,
        calendar,
        logger: remindersLog,
        metrics: remindersMetrics,
      }),
    )
      .use(injectLambdaContext(remindersLog))
      .use(publishMetrics(remindersMetrics));

    return {
      http: { ingest, query, bulletins, office },
      queues: { progress, events, delivery },
      jobs: { 'aggregate-kpis': aggregate, 'send-reminders': reminders },
      stream: relay,
    };
  };
}
