import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SourceRegistry } from '../../ports/sources.js';
import { SourcesFile, type WebhookSource } from '../../ingest/sources.js';

export interface StaleSources {
  /** Why the refresh failed (its message never carries secret material). */
  error: Error;
  /** How long ago the copy being served was fetched. */
  staleForMs: number;
}

export interface SecretsSourceRegistryOptions {
  /**
   * Told each time a refresh fails while a good copy is served instead (the ingest handler logs it
   * and emits the `SourcesRefreshFailed` metric, which has an alarm).
   */
  onStale?: (info: StaleSources) => void;
  /** After a failed refresh, the next attempt waits this long (not every request). Default 30 s. */
  retryAfterMs?: number;
  /**
   * The longest a copy is served past its TTL while refreshes fail; beyond it, requests fail (503)
   * so that a source removed from the secret cannot stay trusted for ever. Default 24 h.
   */
  maxStaleMs?: number;
}

/**
 * Webhook sources from one Secrets Manager secret (JSON `{ "sources": [...] }`), cached in the
 * function for `ttlMs` so that a rotation reaches warm functions within minutes. When a refresh
 * fails (Secrets Manager throttled or down, a malformed new version), the last good copy keeps being
 * served and the failure is reported, instead of answering 503 to every county. The secret's content
 * is never logged: a malformed secret is reported by its issue paths only.
 */
export class SecretsSourceRegistry implements SourceRegistry {
  private cache?: { at: number; sources: Map<string, WebhookSource> };
  private nextAttemptAt = 0;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly options: SecretsSourceRegistryOptions = {},
  ) {}

  /** The oldest copy served while refreshes fail: the TTL plus the allowed staleness. */
  private get oldestServedMs(): number {
    return this.ttlMs + (this.options.maxStaleMs ?? 24 * 3600_000);
  }

  async get(sourceId: string): Promise<WebhookSource | undefined> {
    const now = this.now();
    if (!this.cache || (now - this.cache.at > this.ttlMs && now >= this.nextAttemptAt)) {
      try {
        this.cache = { at: now, sources: await this.fetch() };
        this.nextAttemptAt = 0;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (!this.cache) throw error;
        const staleForMs = now - this.cache.at;
        if (staleForMs > this.oldestServedMs) throw error;
        this.nextAttemptAt = now + (this.options.retryAfterMs ?? 30_000);
        this.options.onStale?.({ error, staleForMs });
      }
    } else if (now - this.cache.at > this.oldestServedMs) {
      throw new Error('sources secret could not be refreshed for longer than allowed');
    }
    return this.cache.sources.get(sourceId);
  }

  private async fetch(): Promise<Map<string, WebhookSource>> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    let json: unknown;
    try {
      json = JSON.parse(out.SecretString ?? '');
    } catch {
      // JSON.parse quotes part of its input in its message: never let it near a log.
      throw new Error('sources secret is not valid JSON');
    }
    const parsed = SourcesFile.safeParse(json);
    if (!parsed.success) {
      throw new Error(`sources secret is malformed at ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    }
    return new Map(parsed.data.sources.map((s) => [s.sourceId, s]));
  }
}
