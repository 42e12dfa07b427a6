import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { UNKNOWN_SOURCE } from '../../shared/observability/metrics.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { SourceRegistry } from '../../shared/ports/sources.js';

type WebhookHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Counts what the sender was answered: `WebhooksAccepted` for a 202, `WebhooksRefused` with the
 * error code of the answer otherwise (`{ error: { code } }`, shared/http/json-response.ts), both
 * by source. Measured on the answer rather than inside the handler, so every path that answers
 * counts, including the ones added later. The source is named only when the registry knows it (a
 * cached lookup, the one the handler has just made): an unknown or forged id in the path is
 * counted as `-`, so that nobody can create metric series by calling. A 404 (no such source) and a
 * 5xx (our side failed, the registry perhaps with it) are counted as `-` without a lookup, which
 * would only call a failing registry again.
 */
export function countWebhookOutcomes(handler: WebhookHandler, deps: { metrics: MetricsRecorder; sources: SourceRegistry }): WebhookHandler {
  return async (event) => {
    const answer = await handler(event);
    const status = answer.statusCode ?? 0;
    const source = status === 404 || status >= 500 ? UNKNOWN_SOURCE : await registeredSource(deps.sources, event.pathParameters?.sourceId);
    if (status === 202) deps.metrics.count('WebhooksAccepted', { Source: source });
    else deps.metrics.count('WebhooksRefused', { Source: source, Code: errorCode(answer) });
    return answer;
  };
}

async function registeredSource(sources: SourceRegistry, sourceId: string | undefined): Promise<string> {
  if (!sourceId) return UNKNOWN_SOURCE;
  const known = await sources.get(sourceId).then(
    (s) => s !== undefined,
    () => false,
  );
  return known ? sourceId : UNKNOWN_SOURCE;
}

/** The answer's error code, or its status when it has none (a code is a bounded set; so are statuses). */
function errorCode(answer: APIGatewayProxyStructuredResultV2): string {
  try {
    const code = (JSON.parse(answer.body ?? '') as { error?: { code?: unknown } }).error?.code;
    if (typeof code === 'string' && /^[a-z_]{1,64}$/.test(code)) return code;
  } catch {
    // not JSON: fall through
  }
  return `http_${answer.statusCode ?? 0}`;
}
