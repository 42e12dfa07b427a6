import * as z from '../zod.js';
import { WEBHOOK_TYPES } from '../../events/schemas.js';
import type { SourceRegistry } from '../ports/sources.js';

/** A county or office system allowed to send webhooks. */
export const WebhookSource = z.strictObject({
  sourceId: z.string().check(z.regex(/^[a-z0-9-]{2,64}$/)),
  /** Units this source may report for. */
  orgIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  /** Active signing secrets (`whsec_` + base64); two during rotation. */
  secrets: z
    .array(
      z
        .string()
        .check(
          z.regex(
            /^whsec_(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^whsec_(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/,
            'secret is whsec_ + padded base64',
          ),
        ),
    )
    .check(z.minLength(1), z.maxLength(2)),
  types: z.array(z.enum(WEBHOOK_TYPES)).check(z.minLength(1)),
});
export type WebhookSource = z.infer<typeof WebhookSource>;

export const SourcesFile = z.strictObject({
  $comment: z.optional(z.string()),
  sources: z.array(WebhookSource),
});

/** A registry over a fixed list (the local runtime's `SOURCES_FILE`, tests, benches). */
export function staticSourceRegistry(sources: readonly WebhookSource[]): SourceRegistry {
  const byId = new Map(sources.map((s) => [s.sourceId, s]));
  return { get: async (sourceId) => byId.get(sourceId) };
}
