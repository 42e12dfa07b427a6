import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createSupervisionClient,
  sendWebhook,
  type ErrorBody,
  type ProgressReport,
  type SupervisionClient,
} from '../../clients/ts/client.js';
import { signWebhook, WebhookSecretError } from '../../clients/ts/signing.js';
import { CLIENT_TYPES_FILE, renderClientTypes } from '../../scripts/generate-client.js';
import { fixedSecret, newSecret, sampleBody } from '../helpers/webhooks.js';

const report = JSON.parse(sampleBody('valid/progress-t08-rencheng.json')) as ProgressReport;

/** A fetch that keeps the request and answers `status` with `body`. */
function recordingFetch(status: number, body: unknown) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, requests };
}

describe('clients/ts/api.d.ts', () => {
  it('is up to date with docs/openapi.json (run `npm run generate`)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await renderClientTypes());
  });

  it('names the versions the README tells integrators to install, as this repository pins them', () => {
    const readme = readFileSync(new URL('../../clients/ts/README.md', import.meta.url), 'utf8');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const pinned = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const name of ['openapi-fetch', 'standardwebhooks', 'openapi-typescript']) {
      const named = [...readme.matchAll(new RegExp(`${name}@(\\d+\\.\\d+\\.\\d+)`, 'g'))].map((m) => m[1]);
      expect(named.length, name).toBeGreaterThan(0);
      expect(new Set(named), name).toEqual(new Set([pinned[name]]));
    }
  });
});

describe('sendWebhook', () => {
  it('sends the exact bytes it signed, to the source path, with the three headers a verifier accepts', async () => {
    const secret = newSecret();
    const { fetch, requests } = recordingFetch(202, { id: 'msg_client_1' });
    const client = createSupervisionClient({ baseUrl: 'http://api.test/', fetch });
    const { data, error, response } = await sendWebhook(client, { sourceId: 'rencheng', secret, id: 'msg_client_1', message: report });
    expect(response.status).toBe(202);
    expect(error).toBeUndefined();
    expect(data).toEqual({ id: 'msg_client_1' });

    const request = requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://api.test/v1/webhooks/rencheng');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('authorization')).toBeNull();
    const body = await request.text();
    expect(body).toBe(JSON.stringify(report));
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, request.headers.get(h)!]));
    expect(headers['webhook-id']).toBe('msg_client_1');
    expect(new Webhook(secret).verify(body, headers)).toEqual(report);
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow();
  });

  it('gives the refusal as the error body, typed', async () => {
    const refusal: ErrorBody = {
      error: {
        code: 'invalid_body',
        message: 'the body does not match the contract',
        issues: [{ path: 'data.period', message: 'period is YYYY-Qn (quarter) or YYYY-MM (month)' }],
      },
    };
    const { fetch } = recordingFetch(400, refusal);
    const { data, error, response } = await sendWebhook(createSupervisionClient({ baseUrl: 'http://api.test', fetch }), {
      sourceId: 'rencheng',
      secret: newSecret(),
      id: 'msg_client_2',
      message: report,
    });
    expect(response.status).toBe(400);
    expect(data).toBeUndefined();
    expect(error).toEqual(refusal);
  });

  it('sends the read token on the read routes', async () => {
    const { fetch, requests } = recordingFetch(200, { kpis: [] });
    await createSupervisionClient({ baseUrl: 'http://api.test', token: 'dev-token', fetch }).GET('/v1/plans/{planId}/kpis', {
      params: { path: { planId: 'jining-sports-2023' } },
    });
    expect(requests[0]!.url).toBe('http://api.test/v1/plans/jining-sports-2023/kpis');
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer dev-token');
  });
});

describe('signWebhook', () => {
  it('signs with each secret during a rotation, and either verifies', () => {
    const [a, b] = [newSecret(), newSecret()];
    const body = '{"type":"progress.submitted"}';
    const headers = signWebhook({ secret: [a, b], id: 'msg_rot', body, timestampSeconds: Math.floor(Date.now() / 1000) });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const s of [a, b]) expect(() => new Webhook(s).verify(body, headers)).not.toThrow();
  });

  it('refuses a secret that is not whsec_ + base64, without quoting it', () => {
    expect(() => signWebhook({ secret: 'plain-password', id: 'm', body: '{}' })).toThrow(WebhookSecretError);
    expect(() => signWebhook({ secret: 'plain-password', id: 'm', body: '{}' })).not.toThrow(/plain-password/);
    expect(() => signWebhook({ secret: [], id: 'm', body: '{}' })).toThrow(WebhookSecretError);
    expect(signWebhook({ secret: fixedSecret('x'), id: 'm', body: '{}', timestampSeconds: 1 })['webhook-timestamp']).toBe('1');
  });
});

describe('the client types follow the document (checked by `npm run typecheck`)', () => {
  it('types the webhook body, its headers and the answers', () => {
    expectTypeOf<ProgressReport['data']['status']>().toEqualTypeOf<'not_started' | 'in_progress' | 'completed' | 'blocked'>();
    // A field with a default is optional for a sender.
    expectTypeOf<ProgressReport['data']>().toHaveProperty('metrics').toEqualTypeOf<Array<{ kpiId: string; value: number }> | undefined>();
    expectTypeOf<Awaited<ReturnType<typeof sendWebhook>>['data']>().toEqualTypeOf<{ id: string } | undefined>();
    // Calls the compiler must refuse; never run (they would go to the network).
    const refused = (client: SupervisionClient) => [
      // @ts-expect-error -- no such route
      client.GET('/v1/plans/{planId}/nothing', { params: { path: { planId: 'p' } } }),
      // @ts-expect-error -- the webhook needs its three signature headers
      client.POST('/v1/webhooks/{sourceId}', { params: { path: { sourceId: 'rencheng' } }, body: report }),
      // @ts-expect-error -- percentComplete is a number
      sendWebhook(client, { sourceId: 'r', secret: 's', id: 'i', message: { ...report, data: { ...report.data, percentComplete: '45' } } }),
    ];
    expect(typeof refused).toBe('function');
  });
});
