import type { Logger } from '../ports/logger.js';

/**
 * The keys every log line about a message carries, from the webhook through the consumer to the
 * delivery of a reminder it caused, so that one search (`webhookId`, or `planId` + `taskId` +
 * `orgId`) follows a report end to end. `eventId` is a sports event's own key.
 */
export const CORRELATION_KEYS = ['sourceId', 'webhookId', 'planId', 'taskId', 'orgId', 'eventId'] as const;
export type CorrelationKey = (typeof CORRELATION_KEYS)[number];

/** The correlation keys `message` has (a webhook's data with its receipt, a bus event's detail). */
export function correlationKeys(message: Readonly<Record<string, unknown>>): Partial<Record<CorrelationKey, string>> {
  const keys: Partial<Record<CorrelationKey, string>> = {};
  for (const k of CORRELATION_KEYS) {
    const v = message[k];
    if (typeof v === 'string') keys[k] = v;
  }
  return keys;
}

/**
 * `logger` with `keys` on every line. Not Powertools' `appendKeys`: the batch processor applies the
 * records of a batch concurrently, and the local runtime runs overlapping invocations through one
 * logger, so keys appended to the shared logger would land on another record's lines.
 */
export function withKeys(logger: Logger, keys: Readonly<Record<string, unknown>>): Logger {
  return {
    debug: (message, ...attributes) => logger.debug(message, keys, ...attributes),
    info: (message, ...attributes) => logger.info(message, keys, ...attributes),
    warn: (message, ...attributes) => logger.warn(message, keys, ...attributes),
    error: (message, ...attributes) => logger.error(message, keys, ...attributes),
  };
}
