import { CONSUMER_TIMEOUT_SECONDS, RELAY_TIMEOUT_SECONDS } from '../shared/routing.js';

/** The Lambda functions of the system; each has its entry at `functions/<name>/handler.ts`. */
export const FUNCTION_NAMES = [
  'ingest-webhook',
  'relay-outbox',
  'apply-progress',
  'register-event',
  'aggregate-kpis',
  'send-reminders',
  'deliver-notification',
  'query-api',
  'bulletin-api',
  'office-api',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface FunctionSizing {
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
}

/**
 * Memory and timeout per function. Consumers take their timeout from `CONSUMER_TIMEOUT_SECONDS`, the
 * figure their queue's visibility timeout is sized against (≥ 6×).
 */
export const FUNCTION_SIZING: Record<FunctionName, FunctionSizing> = {
  'ingest-webhook': { memoryMiB: 256, timeoutSeconds: 10 },
  'relay-outbox': { memoryMiB: 256, timeoutSeconds: RELAY_TIMEOUT_SECONDS },
  'apply-progress': { memoryMiB: 256, timeoutSeconds: CONSUMER_TIMEOUT_SECONDS.progress },
  'register-event': { memoryMiB: 256, timeoutSeconds: CONSUMER_TIMEOUT_SECONDS.events },
  'deliver-notification': { memoryMiB: 256, timeoutSeconds: CONSUMER_TIMEOUT_SECONDS.delivery },
  'aggregate-kpis': { memoryMiB: 512, timeoutSeconds: 120 },
  'send-reminders': { memoryMiB: 512, timeoutSeconds: 120 },
  'query-api': { memoryMiB: 512, timeoutSeconds: 10 },
  // Replays the audit trail up to the period's end and writes an xlsx: more time and memory than a read.
  'bulletin-api': { memoryMiB: 1024, timeoutSeconds: 29 },
  'office-api': { memoryMiB: 256, timeoutSeconds: 10 },
};

/** Where a function's code is; tests substitute fixture entries. Returns an absolute path. */
export type EntryResolver = (name: FunctionName) => string;
