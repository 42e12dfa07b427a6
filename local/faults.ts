import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FUNCTION_NAMES, type FunctionName } from '../infra/functions.js';
import { FaultsSyntaxError } from './errors.js';

/** What `FAULTS` can target. */
export const FAULT_TARGETS = ['dynamodb', 'eventbridge'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];
export type Faults = Partial<Record<FaultTarget, number>> & {
  /** `dynamodb@<function>`: a share for one function's table calls. */
  dynamodbFor?: Partial<Record<FunctionName, number>>;
};

/**
 * Parses `dynamodb:0.2,eventbridge:0.05` (each a share between 0 and 1); empty or undefined → no
 * faults. `dynamodb@<function>:<share>` faults only that function's table calls (a registry name,
 * e.g. `dynamodb@apply-progress:0.95`: the consumer fails while ingest accepts), over any `dynamodb`.
 */
export function parseFaults(spec: string | undefined): Faults {
  const faults: Faults = {};
  if (!spec || spec.trim() === '') return faults;
  for (const part of spec.split(',')) {
    const m = /^\s*([a-z]+)(?:@([a-z-]+))?\s*:\s*([0-9]*\.?[0-9]+)\s*$/.exec(part);
    const target = m?.[1] as FaultTarget | undefined;
    const fn = m?.[2];
    const share = Number(m?.[3]);
    const known = target !== undefined && (FAULT_TARGETS as readonly string[]).includes(target);
    const fnOk = fn === undefined || (target === 'dynamodb' && (FUNCTION_NAMES as readonly string[]).includes(fn));
    if (!m || !target || !known || !fnOk || !(share >= 0 && share <= 1)) {
      throw new FaultsSyntaxError(
        `FAULTS: cannot read "${part.trim()}"; expected e.g. "dynamodb:0.2,eventbridge:0.05" or "dynamodb@apply-progress:0.9" (targets: ${FAULT_TARGETS.join(', ')}; functions: ${FUNCTION_NAMES.join(', ')}; shares 0–1)`,
      );
    }
    if (fn) faults.dynamodbFor = { ...faults.dynamodbFor, [fn]: share };
    else faults[target] = share;
  }
  return faults;
}

/** The share of `fn`'s DynamoDB calls to fail: its own, else every function's. */
export function dynamoDbShareFor(faults: Faults, fn: FunctionName): number | undefined {
  return faults.dynamodbFor?.[fn] ?? faults.dynamodb;
}

/** The errors DynamoDB gives under load, shaped as the SDK's service exceptions so its retry logic classifies them. */
export function throttlingError(): Error {
  return Object.assign(new Error('Injected fault: the level of configured provisioned throughput for the table was exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });
}

export function timeoutError(): Error {
  return Object.assign(new Error('Injected fault: the request was applied but its response was lost (timeout)'), {
    name: 'TimeoutError',
    $metadata: { attempts: 1 },
  });
}

export interface FaultStats {
  throttled: number;
  timedOut: number;
}

/**
 * Injects faults into a share of DynamoDB request attempts, inside the SDK's retry loop (as real
 * throttling happens): half of them are throttles before the request is sent (nothing applied),
 * half are timeouts after it was applied (response lost; the retry re-sends it, so writes must be
 * idempotent). What the SDK's retries do not absorb reaches the handler.
 */
export function injectDynamoDbFaults(client: DynamoDBClient, share: number, random: () => number = Math.random): FaultStats {
  const stats: FaultStats = { throttled: 0, timedOut: 0 };
  if (share <= 0) return stats;
  client.middlewareStack.add(
    (next) => async (args) => {
      if (random() >= share) return next(args);
      if (random() < 0.5) {
        stats.throttled++;
        throw throttlingError();
      }
      await next(args);
      stats.timedOut++;
      throw timeoutError();
    },
    { step: 'deserialize', name: 'localFaultInjection', priority: 'low' },
  );
  return stats;
}
