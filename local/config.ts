import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SourcesFile, type WebhookSource } from '../shared/ingest/sources.js';
import { RateLimitEnv, type RateLimit } from '../shared/config/env.js';
import { ConfigError } from '../shared/config/errors.js';
import { errorMessage } from '../shared/errors.js';
import { parseFaults, type Faults } from './faults.js';

// One ConfigError for the functions' environment and the local runtime's.
export { ConfigError };

/** The local runtime's settings, from the environment (see local/README.md). */
export interface LocalConfig {
  port: number;
  dataDir: string;
  sourcesFile: string;
  /** API_TOKEN; unset → a random token kept in DATA_DIR (see local/api-token.ts). */
  apiToken?: string;
  /** OFFICE_TOKEN, the supervision office's role (reviews, amendments); unset → a random token kept in DATA_DIR. */
  officeToken?: string;
  /** Where the business clock starts (CLOCK); undefined = the real clock. */
  clockStart?: Date;
  faults: Faults;
  visibilityTimeoutMs: number;
  /** Execution environments per queue consumer. */
  consumerConcurrency: number;
  tableName: string;
  /** Per-source webhook rate limit, parsed as in Lambda (RateLimitEnv); undefined = unlimited (SOURCE_RATE_PER_SECOND=0). */
  rateLimit?: RateLimit;
  /** STREAM_IDLE_MS: how long the stream reader waits when the table's stream has nothing new (default 100). */
  streamIdleMs?: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const clock = env.CLOCK;
  let clockStart: Date | undefined;
  if (clock) {
    clockStart = new Date(clock);
    if (!/^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(clock) || Number.isNaN(clockStart.getTime())) {
      throw new ConfigError(`CLOCK must be an ISO-8601 instant such as 2023-10-09T09:00:00+08:00, got "${clock}"`);
    }
  }
  let faults: Faults;
  try {
    faults = parseFaults(env.FAULTS);
  } catch (err) {
    throw new ConfigError(errorMessage(err));
  }
  const rate = RateLimitEnv.safeParse(env);
  if (!rate.success) throw new ConfigError(rate.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const config: LocalConfig = {
    port: int(env, 'PORT', 3000, 0, 65535),
    dataDir: resolve(env.DATA_DIR || '.data'),
    sourcesFile: resolve(env.SOURCES_FILE || 'config/sources.local.json'),
    // Unset: a random token kept in DATA_DIR (local/api-token.ts), never a well-known one.
    apiToken: env.API_TOKEN || undefined,
    officeToken: env.OFFICE_TOKEN || undefined,
    faults,
    visibilityTimeoutMs: int(env, 'VISIBILITY_TIMEOUT_MS', 2_000, 10, 12 * 3600_000),
    consumerConcurrency: int(env, 'CONSUMER_CONCURRENCY', 4, 1, 64),
    tableName: env.TABLE_NAME || 'supervision',
  };
  if (clockStart) config.clockStart = clockStart;
  if (env.STREAM_IDLE_MS) config.streamIdleMs = int(env, 'STREAM_IDLE_MS', 100, 5, 60_000);
  if (rate.data.rateLimit) config.rateLimit = rate.data.rateLimit;
  return config;
}

/** Reads and validates the sources file (`SourcesFile`); every problem is named with its path. */
export async function loadSources(path: string): Promise<WebhookSource[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read SOURCES_FILE ${path}: ${errorMessage(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`SOURCES_FILE ${path} is not JSON: ${errorMessage(err)}`);
  }
  const parsed = SourcesFile.safeParse(json);
  if (!parsed.success) {
    // Issue messages name paths and rules, never the values (the file holds secrets).
    throw new ConfigError(
      `SOURCES_FILE ${path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  const ids = new Set<string>();
  for (const s of parsed.data.sources) {
    if (ids.has(s.sourceId)) throw new ConfigError(`SOURCES_FILE ${path}: sourceId ${s.sourceId} appears twice`);
    ids.add(s.sourceId);
  }
  return parsed.data.sources;
}
