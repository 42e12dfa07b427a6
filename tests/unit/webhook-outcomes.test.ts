import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { countWebhookOutcomes } from '../../functions/ingest-webhook/outcomes.js';
import { errorResponse, jsonResponse } from '../../shared/http/json-response.js';
import { staticSourceRegistry } from '../../shared/ingest/sources.js';
import { RecordingMetrics } from '../helpers/metrics.js';
import { source, webhookEvent } from '../helpers/webhooks.js';

/** The ingest wrapper alone, over a handler that answers what the test says. */
function counted(answer: APIGatewayProxyStructuredResultV2) {
  const metrics = new RecordingMetrics();
  const lookups: string[] = [];
  const registry = staticSourceRegistry([source({ sourceId: 'rencheng' })]);
  const sources = { get: (id: string) => (lookups.push(id), registry.get(id)) };
  const handler = countWebhookOutcomes(async () => answer, { metrics, sources });
  return { metrics, lookups, handler };
}

describe('WebhooksAccepted / WebhooksRefused: what the sender was answered', () => {
  it('a 202 is accepted, by its registered source', async () => {
    const { metrics, handler } = counted(jsonResponse(202, { id: 'w' }));
    await handler(webhookEvent({ sourceId: 'rencheng' }));
    expect(metrics.counts).toEqual([{ name: 'WebhooksAccepted', dimensions: { Source: 'rencheng' }, value: 1 }]);
  });

  it('a refusal counts its error code; an id the registry does not know is "-"', async () => {
    const refused = counted(errorResponse(422, 'unit_not_assigned', 'x'));
    await refused.handler(webhookEvent({ sourceId: 'rencheng' }));
    await refused.handler(webhookEvent({ sourceId: 'forged-1' }));
    expect(refused.metrics.counts).toEqual([
      { name: 'WebhooksRefused', dimensions: { Source: 'rencheng', Code: 'unit_not_assigned' }, value: 1 },
      { name: 'WebhooksRefused', dimensions: { Source: '-', Code: 'unit_not_assigned' }, value: 1 },
    ]);
  });

  it('a 404 or a 5xx is "-" without asking the registry again; no path parameter is "-"', async () => {
    for (const [answer, code] of [
      [errorResponse(404, 'unknown_source', 'x'), 'unknown_source'],
      [errorResponse(503, 'unavailable', 'x'), 'unavailable'],
    ] as const) {
      const { metrics, lookups, handler } = counted(answer);
      await handler(webhookEvent({ sourceId: 'rencheng' }));
      expect(metrics.counts).toEqual([{ name: 'WebhooksRefused', dimensions: { Source: '-', Code: code }, value: 1 }]);
      expect(lookups).toEqual([]);
    }
    const { metrics, handler } = counted(errorResponse(415, 'unsupported_media_type', 'x'));
    await handler(webhookEvent({ sourceId: 'rencheng', noPathParameters: true }));
    expect(metrics.counts[0]?.dimensions).toEqual({ Source: '-', Code: 'unsupported_media_type' });
  });

  it('an answer without an error code counts its status, so that no body can mint a dimension value', async () => {
    for (const body of ['not json', JSON.stringify({ error: { code: 'Robert"); DROP' } })]) {
      const { metrics, handler } = counted({ statusCode: 400, body });
      await handler(webhookEvent({ sourceId: 'rencheng' }));
      expect(metrics.counts[0]?.dimensions.Code).toBe('http_400');
    }
  });
});
