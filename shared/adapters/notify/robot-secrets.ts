import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RobotDirectory, RobotEndpoint } from '../../ports/notifier.js';
import { RobotNotConfiguredError } from '../errors.js';

/** Parses the robot secret: a JSON map `secretKey → url` (WeCom) or `secretKey → { url, secret }` (DingTalk). */
export function parseRobotSecret(secretString: string): Map<string, RobotEndpoint> {
  let raw: unknown;
  try {
    raw = JSON.parse(secretString);
  } catch {
    throw new RobotNotConfiguredError('robot secret is not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new RobotNotConfiguredError('robot secret is not a JSON object');
  const out = new Map<string, RobotEndpoint>();
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') {
      out.set(key, { url: value });
    } else if (value && typeof value === 'object' && typeof (value as { url?: unknown }).url === 'string') {
      const v = value as { url: string; secret?: unknown };
      out.set(key, { url: v.url, ...(typeof v.secret === 'string' ? { secret: v.secret } : {}) });
    } else {
      // Name the entry only: its content is secret.
      throw new RobotNotConfiguredError(`robot secret entry ${key} is neither a URL nor { url, secret }`);
    }
  }
  return out;
}

/** Robot endpoints from one Secrets Manager secret, cached in the function for `ttlMs`. Never logged. */
export class SecretsManagerRobotDirectory implements RobotDirectory {
  /** The in-flight or finished read: concurrent sends of a cold function share one GetSecretValue. */
  private cache?: { at: number; robots: Promise<Map<string, RobotEndpoint>> };

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(secretKey: string): Promise<RobotEndpoint> {
    if (!this.cache || this.now() - this.cache.at > this.ttlMs) {
      const robots = this.client
        .send(new GetSecretValueCommand({ SecretId: this.secretId }))
        .then((out) => parseRobotSecret(out.SecretString ?? '{}'));
      const entry = { at: this.now(), robots };
      this.cache = entry;
      // A failed read is not cached: the next send tries again.
      robots.catch(() => {
        if (this.cache === entry) this.cache = undefined;
      });
    }
    const robot = (await this.cache.robots).get(secretKey);
    if (!robot) throw new RobotNotConfiguredError(`robot secret has no entry ${secretKey}`);
    return robot;
  }
}

/** A fixed directory (local runtime, tests). */
export function staticRobotDirectory(robots: Record<string, RobotEndpoint>): RobotDirectory {
  return {
    get: async (secretKey) => {
      const robot = robots[secretKey];
      if (!robot) throw new RobotNotConfiguredError(`no robot ${secretKey}`);
      return robot;
    },
  };
}
