/**
 * A typed client of the supervision API for county and office systems, on openapi-fetch with the
 * types generated from the OpenAPI document (api.d.ts). Every path, parameter, body and answer is
 * checked by the compiler against the document the service publishes (`GET /v1/openapi.json`).
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api.js';
import { signWebhook } from './signing.js';

export type { components, paths } from './api.js';
export { signWebhook, WebhookSecretError, type SignedHeaders } from './signing.js';

/** The body of `POST /v1/webhooks/{sourceId}`: a progress report or a sports event. */
export type WebhookMessage = components['schemas']['WebhookEnvelope'];
export type ProgressReport = Extract<WebhookMessage, { type: 'progress.submitted' }>;
export type ErrorBody = components['schemas']['ErrorResponse'];
export type SupervisionClient = Client<paths>;

/**
 * `baseUrl`: the API's base URL (the stack output `ApiUrl`, or http://127.0.0.1:3000 locally).
 * `token`: a bearer token for the read routes (not needed to send webhooks).
 */
export function createSupervisionClient(options: {
  baseUrl: string;
  token?: string;
  fetch?: (request: Request) => Promise<Response>;
}): SupervisionClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/**
 * Signs and sends one message as `sourceId`. The message is serialised once, and those exact bytes
 * are signed and sent. `id` is the idempotency key: on a network error, a 429 or a 5xx, send the
 * same message again with the same id — the service answers 202 and publishes it once. A new
 * message needs a new id (the same id with another body answers 409).
 */
export async function sendWebhook(
  client: SupervisionClient,
  input: { sourceId: string; secret: string | readonly string[]; id: string; message: WebhookMessage; timestampSeconds?: number },
) {
  const body = JSON.stringify(input.message);
  const header = signWebhook({
    secret: input.secret,
    id: input.id,
    body,
    ...(input.timestampSeconds === undefined ? {} : { timestampSeconds: input.timestampSeconds }),
  });
  return client.POST('/v1/webhooks/{sourceId}', {
    params: { path: { sourceId: input.sourceId }, header },
    body: input.message,
    bodySerializer: () => body,
  });
}
