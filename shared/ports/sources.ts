import type { WebhookSource } from '../ingest/sources.js';

/** Who may send webhooks: the sources file locally, Secrets Manager in AWS (shared/ingest/sources.ts has the schema). */
export interface SourceRegistry {
  get(sourceId: string): Promise<WebhookSource | undefined>;
}
