import { afterEach, beforeEach, vi } from 'vitest';
import { createIngestWebhookHandler, type IngestDeps } from '../../functions/ingest-webhook/app.js';
import { fixedClock } from '../../shared/time/clocks.js';
import type { SourceRegistry } from '../../shared/ports/sources.js';
import { staticSourceRegistry, type WebhookSource } from '../../shared/ingest/sources.js';
import { fixedSecret, InMemoryIntake, recordingLogger, sampleBody, source } from './webhooks.js';

/**
 * The webhook handler over an in-memory intake, for tests/unit/ingest-webhook*.test.ts: the clocks
 * the tests pretend, the secrets of the `rencheng` source, the T08 sample body and the handler.
 */

/** The real clock as the tests pretend it is (signatures are checked against it). */
export const NOW = new Date('2023-06-25T02:20:00.000Z');
export const NOW_S = NOW.getTime() / 1000;
/** The business clock that stamps `receivedAt` (deliberately not the same instant as NOW). */
export const RECEIVED_AT = '2023-06-25T02:20:00.250Z';

export const SECRET = fixedSecret('rencheng-secret');
export const NEW_SECRET = fixedSecret('rencheng-secret-2024');
export const RETIRED_SECRET = fixedSecret('rencheng-secret-2022');
export const T08 = sampleBody('valid/progress-t08-rencheng.json');

/**
 * The handler over an in-memory intake. `bus.events` are what the relay will put on the bus from the
 * records stored (tests/unit/relay-outbox.test.ts covers the relay itself).
 */
export function setup(
  options: {
    sources?: WebhookSource[];
    registry?: SourceRegistry;
    rateLimiter?: IngestDeps['rateLimiter'];
    receivedAt?: string;
    amender?: IngestDeps['amender'];
  } = {},
) {
  const intake = new InMemoryIntake();
  const log = recordingLogger();
  const sources = options.registry ?? staticSourceRegistry(options.sources ?? [source({ secrets: [SECRET] })]);
  const handler = createIngestWebhookHandler({
    sources,
    intake,
    clock: fixedClock(options.receivedAt ?? RECEIVED_AT),
    logger: log.logger,
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    ...(options.amender ? { amender: options.amender } : {}),
  });
  return { handler, intake, bus: intake, log };
}

/** A mutation of a JSON body, kept as the exact bytes that get signed. */
export function edit(body: string, change: (json: { type: string; timestamp: string; data: Record<string, unknown> }) => void): string {
  const json = JSON.parse(body);
  change(json);
  return JSON.stringify(json);
}

/** Pins `Date` to NOW for every test of the calling file (fake timers, `Date` only). */
export function pinDateToNow(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
