import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SourcesFile, type SourceRegistry, type WebhookSource } from '../../ports/sources.js';

/**
 * Webhook sources from one Secrets Manager secret (JSON `{ "sources": [...] }`), cached in the
 * function for `ttlMs` so that a rotation reaches warm functions within minutes. The secret's content
 * is never logged: a malformed secret is reported by its issue paths only.
 */
export class SecretsSourceRegistry implements SourceRegistry {
  private cache?: { at: number; sources: Map<string, WebhookSource> };

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(sourceId: string): Promise<WebhookSource | undefined> {
    if (!this.cache || this.now() - this.cache.at > this.ttlMs) {
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
      this.cache = { at: this.now(), sources: new Map(parsed.data.sources.map((s) => [s.sourceId, s])) };
    }
    return this.cache.sources.get(sourceId);
  }
}
