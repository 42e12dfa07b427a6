import { afterEach, describe, expect, it, vi } from 'vitest';
import { FUNCTION_ENV, parseFunctionEnv, type FunctionName } from '../../shared/config/env.js';
import { ConfigError } from '../../shared/config/errors.js';
import { rateLimiterFor, tokenBucket, unlimited } from '../../shared/ingest/rate-limiter.js';
import { readConfig } from '../../local/config.js';

const ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x';
const INGEST = { TABLE_NAME: 'supervision', SOURCES_SECRET_ARN: ARN };

/** A complete environment for each function (what infra/ sets). */
const COMPLETE: Record<FunctionName, Record<string, string>> = {
  'ingest-webhook': INGEST,
  'relay-outbox': { EVENT_BUS_NAME: 'bus' },
  'apply-progress': { TABLE_NAME: 'supervision' },
  'register-event': { TABLE_NAME: 'supervision' },
  'aggregate-kpis': { TABLE_NAME: 'supervision', EVENT_BUS_NAME: 'bus' },
  'send-reminders': { TABLE_NAME: 'supervision', EVENT_BUS_NAME: 'bus' },
  'deliver-notification': {
    TABLE_NAME: 'supervision',
    ROBOT_SECRET_ARN: ARN,
    NOTIFICATION_TOPIC_ARN: 'arn:aws-cn:sns:cn-north-1:123456789012:t',
  },
  'query-api': { TABLE_NAME: 'supervision', CURSOR_SECRET_ARN: ARN },
  'bulletin-api': { TABLE_NAME: 'supervision' },
  // No bus: its rows reach the bus through the table's stream (issue 18).
  'office-api': { TABLE_NAME: 'supervision' },
};

describe('parseFunctionEnv', () => {
  it('covers every function', () => {
    expect(Object.keys(FUNCTION_ENV).sort()).toEqual(Object.keys(COMPLETE).sort());
  });

  it.each(Object.keys(COMPLETE) as FunctionName[])('%s: takes its complete environment, and names each missing variable', (name) => {
    expect(parseFunctionEnv(name, { ...COMPLETE[name], UNRELATED: 'x' })).toMatchObject(COMPLETE[name]);
    const err = (() => {
      try {
        parseFunctionEnv(name, { PATH: '/usr/bin' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    for (const variable of Object.keys(COMPLETE[name])) expect(err?.message).toContain(`${variable}: required`);
  });

  it('refuses an ARN variable that holds something else, without repeating the value', () => {
    expect(() => parseFunctionEnv('query-api', { TABLE_NAME: 't', CURSOR_SECRET_ARN: 'the-secret-itself' })).toThrow(
      /CURSOR_SECRET_ARN: expected an ARN/,
    );
    expect(() => parseFunctionEnv('query-api', { TABLE_NAME: 't', CURSOR_SECRET_ARN: 'the-secret-itself' })).not.toThrow(
      /the-secret-itself/,
    );
  });
});

describe('OFFICE_CLAIM: the claim that makes a caller the office', () => {
  it('defaults to the scope supervision/office, takes <claim>=<value>, refuses anything else', () => {
    expect(parseFunctionEnv('office-api', COMPLETE['office-api']).OFFICE_CLAIM).toBe('scope=supervision/office');
    expect(parseFunctionEnv('office-api', { ...COMPLETE['office-api'], OFFICE_CLAIM: 'cognito:groups=督查室' }).OFFICE_CLAIM).toBe(
      'cognito:groups=督查室',
    );
    for (const bad of ['scope', 'scope=', '=x', 'scope=a b'])
      expect(() => parseFunctionEnv('office-api', { ...COMPLETE['office-api'], OFFICE_CLAIM: bad }), bad).toThrow(
        /OFFICE_CLAIM: expected <claim>=<value>/,
      );
  });
});

describe('SOURCE_RATE_PER_SECOND and SOURCE_BURST: one meaning in Lambda and locally', () => {
  const ingest = (extra: Record<string, string>) => parseFunctionEnv('ingest-webhook', { ...INGEST, ...extra }).rateLimit;
  const local = (extra: Record<string, string>) => readConfig(extra).rateLimit;

  it.each<[Record<string, string>, { ratePerSecond: number; burst: number } | undefined]>([
    [{}, { ratePerSecond: 20, burst: 40 }],
    [
      { SOURCE_RATE_PER_SECOND: '', SOURCE_BURST: '' },
      { ratePerSecond: 20, burst: 40 },
    ],
    [
      { SOURCE_RATE_PER_SECOND: '5', SOURCE_BURST: '10' },
      { ratePerSecond: 5, burst: 10 },
    ],
    [{ SOURCE_RATE_PER_SECOND: '0.5' }, { ratePerSecond: 0.5, burst: 40 }],
    // 0 is "no limit", not "a bucket that never refills".
    [{ SOURCE_RATE_PER_SECOND: '0' }, undefined],
    [{ SOURCE_RATE_PER_SECOND: '0', SOURCE_BURST: '1' }, undefined],
  ])('%o → %o', (env, expected) => {
    expect(ingest(env)).toEqual(expected);
    expect(local(env)).toEqual(expected);
  });

  it.each<Record<string, string>>([
    { SOURCE_RATE_PER_SECOND: 'abc' },
    { SOURCE_RATE_PER_SECOND: ' ' },
    { SOURCE_RATE_PER_SECOND: '-1' },
    { SOURCE_RATE_PER_SECOND: '0x10' },
    { SOURCE_RATE_PER_SECOND: '1e3' },
    { SOURCE_BURST: '0' },
    { SOURCE_BURST: '2.5' },
  ])('%o is refused in both, naming the variable', (env) => {
    const variable = Object.keys(env)[0]!;
    expect(() => ingest(env)).toThrow(ConfigError);
    expect(() => ingest(env)).toThrow(new RegExp(`${variable}: `));
    expect(() => local(env)).toThrow(ConfigError);
    expect(() => local(env)).toThrow(new RegExp(`${variable}: `));
  });
});

describe('the rate limiter', () => {
  it('is none when the limit is off, and a token bucket otherwise', async () => {
    expect(rateLimiterFor(undefined)).toBe(unlimited);
    const limiter = rateLimiterFor({ ratePerSecond: 1, burst: 1 });
    expect(await limiter.take('rencheng')).toEqual({ ok: true });
    const refused = await limiter.take('rencheng');
    expect(refused.ok).toBe(false);
    expect(refused.ok === false && Number.isInteger(refused.retryAfterSeconds) && refused.retryAfterSeconds >= 1).toBe(true);
  });

  it('refuses a bucket that could never refill (the old `retry-after: NaN`)', () => {
    expect(() => tokenBucket({ ratePerSecond: 0, burst: 40 })).toThrow(RangeError);
    expect(() => tokenBucket({ ratePerSecond: Number('abc'), burst: 40 })).toThrow(RangeError);
    expect(() => tokenBucket({ ratePerSecond: 20, burst: 0 })).toThrow(RangeError);
  });
});

describe('the ingest Lambda entry', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const load = () => import('../../functions/ingest-webhook/handler.js');
  const stub = (env: Record<string, string>) => {
    for (const [k, v] of Object.entries({ AWS_REGION: 'cn-north-1', ...INGEST, ...env })) vi.stubEnv(k, v);
  };

  it('fails its cold start on a malformed rate, naming it', async () => {
    stub({ SOURCE_RATE_PER_SECOND: 'twenty' });
    await expect(load()).rejects.toThrow(/ingest-webhook: invalid environment: SOURCE_RATE_PER_SECOND/);
  });

  it('starts with the limit off (0) and with the defaults', async () => {
    stub({ SOURCE_RATE_PER_SECOND: '0' });
    await expect(load()).resolves.toHaveProperty('handler');
    vi.resetModules();
    vi.unstubAllEnvs();
    stub({});
    await expect(load()).resolves.toHaveProperty('handler');
  });
});
