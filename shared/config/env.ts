import * as z from '../zod.js';
import { ConfigError } from './errors.js';

/**
 * The environment of every function, parsed with zod in one place. A handler calls
 * `parseFunctionEnv(name, process.env)` once at cold start, so a missing or malformed variable fails
 * the cold start with every problem named, instead of a `NaN` or an `undefined` reaching a request.
 * infra/ sets these variables (plus Powertools' own `POWERTOOLS_*`, which Powertools reads itself);
 * docs/deploy.md lists them.
 */

/** Unset or empty means "use the default": CloudFormation and shells both produce empty values. */
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/** A number from a variable, written as digits (`20`, `0.5`): `Number()` would take `''`, `' '` and `0x10`. */
function envNumber(options: { fallback: number; min: number; max: number; integer?: boolean }) {
  const pattern = options.integer ? /^\d+$/ : /^\d+(?:\.\d+)?$/;
  const message = options.integer ? 'expected a whole number' : 'expected a number such as 20 or 0.5';
  return z.pipe(
    z.transform(unsetIfEmpty),
    z._default(
      z.pipe(
        z.pipe(z.string().check(z.regex(pattern, message)), z.transform(Number)),
        z.number().check(z.gte(options.min), z.lte(options.max)),
      ),
      options.fallback,
    ),
  );
}

const Required = z.string({ error: 'required' }).check(z.minLength(1, 'required'));
const Arn = z.string({ error: 'required' }).check(z.regex(/^arn:[\w-]+:[\w-]+:/, 'expected an ARN'));

/** A per-source token bucket's settings; `undefined` = no limit. */
export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

/**
 * The per-source webhook rate limit, the same in Lambda and in the local runtime:
 * `SOURCE_RATE_PER_SECOND` tokens per second (default 20; fractions allowed), `SOURCE_BURST` tokens
 * at most (default 40). `SOURCE_RATE_PER_SECOND=0` turns the limit off — in both places (a bucket
 * that never refills would refuse every source for good after its burst).
 */
export const RateLimitEnv = z.pipe(
  z.object({
    SOURCE_RATE_PER_SECOND: envNumber({ fallback: 20, min: 0, max: 1_000_000 }),
    SOURCE_BURST: envNumber({ fallback: 40, min: 1, max: 1_000_000, integer: true }),
  }),
  z.transform((e): { rateLimit: RateLimit | undefined } => ({
    rateLimit: e.SOURCE_RATE_PER_SECOND === 0 ? undefined : { ratePerSecond: e.SOURCE_RATE_PER_SECOND, burst: e.SOURCE_BURST },
  })),
);

const TableEnv = z.object({ TABLE_NAME: Required });
/** `<claim>=<value>`: the JWT claim that makes a caller the supervision office (shared/api/office-role.ts). */
const OfficeClaim = z.pipe(
  z.transform(unsetIfEmpty),
  z._default(
    z.string().check(z.regex(/^[^=\s]+=\S+$/, 'expected <claim>=<value>, e.g. scope=supervision/office')),
    'scope=supervision/office',
  ),
);
const TableAndBusEnv = z.object({ TABLE_NAME: Required, EVENT_BUS_NAME: Required });

/** What each function reads from its environment. */
export const FUNCTION_ENV = {
  'ingest-webhook': z.intersection(z.object({ TABLE_NAME: Required, SOURCES_SECRET_ARN: Arn }), RateLimitEnv),
  'relay-outbox': z.object({ EVENT_BUS_NAME: Required }),
  'apply-progress': TableEnv,
  'register-event': TableEnv,
  'aggregate-kpis': TableAndBusEnv,
  'send-reminders': TableAndBusEnv,
  'deliver-notification': z.object({ TABLE_NAME: Required, ROBOT_SECRET_ARN: Arn, NOTIFICATION_TOPIC_ARN: Arn }),
  'query-api': z.object({ TABLE_NAME: Required, CURSOR_SECRET_ARN: Arn }),
  'bulletin-api': TableEnv,
  // No EVENT_BUS_NAME: its decisions and amendments reach the bus through the table's stream.
  'office-api': z.object({ TABLE_NAME: Required, OFFICE_CLAIM: OfficeClaim }),
} as const;

export type FunctionName = keyof typeof FUNCTION_ENV;
export type FunctionEnv<N extends FunctionName> = z.output<(typeof FUNCTION_ENV)[N]>;

/**
 * Parses `env` for `name`. Throws `ConfigError` naming every variable that is missing or malformed
 * and the rule it breaks; values are not repeated (a misplaced secret must not reach the logs).
 */
export function parseFunctionEnv<N extends FunctionName>(name: N, env: Readonly<Record<string, string | undefined>>): FunctionEnv<N> {
  const parsed = FUNCTION_ENV[name].safeParse(env);
  if (parsed.success) return parsed.data as FunctionEnv<N>;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
  throw new ConfigError(`${name}: invalid environment: ${problems.join('; ')}`);
}
