import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/time/clocks.js';
import type { LocalFunctions } from '../../local/registry.js';
import { startRuntime, type Runtime, type RuntimeOptions, type RuntimeServices } from '../../local/runtime.js';

const TOKEN = 'test-token';
const auth = { authorization: `Bearer ${TOKEN}` };
let dataDir: string;
let runtime: Runtime | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-runtime-'));
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(functions: (services: RuntimeServices) => LocalFunctions, options: Partial<RuntimeOptions> = {}) {
  runtime = await startRuntime(
    {
      port: 0,
      dataDir,
      apiToken: TOKEN,
      clock: fixedClock('2023-06-01T01:00:00Z'),
      visibilityTimeoutMs: 20,
      schedules: false,
      log: () => undefined,
      ...options,
    },
    functions,
  );
  return runtime;
}

const none = (): LocalFunctions => ({});

describe('local runtime: HTTP', () => {
  it('answers /health', async () => {
    const rt = await start(none);
    const res = await fetch(`${rt.url}/health`);
    expect(res.status).toBe(200);
  });

  it('invokes ingest with an HTTP API 2.0 event carrying the raw body, and its message reaches the consumer as an SQS record with the EventBridge envelope', async () => {
    const events: APIGatewayProxyEventV2[] = [];
    const consumed: SQSEvent[] = [];
    const rt = await start(({ bus }) => ({
      'ingest-webhook': async (event) => {
        events.push(event);
        await bus.publish([{ detailType: 'progress.submitted', detail: JSON.parse(event.body ?? '{}') }]);
        return {
          statusCode: 202,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ id: event.headers['webhook-id'] }),
        };
      },
      'apply-progress': async (event) => {
        consumed.push(event);
      },
    }));
    const body = '{ "taskId":"T01",  "n": 1 }';
    const res = await fetch(`${rt.url}/v1/webhooks/rencheng?a=1&a=2&b=x`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Webhook-Id': 'msg_1', 'X-Multi': 'one' },
      body,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: 'msg_1' });
    const e = events[0]!;
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/webhooks/{sourceId}',
      rawPath: '/v1/webhooks/rencheng',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      pathParameters: { sourceId: 'rencheng' },
      body,
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'x-multi': 'one' },
      requestContext: {
        http: { method: 'POST', path: '/v1/webhooks/rencheng', sourceIp: '127.0.0.1' },
        routeKey: 'POST /v1/webhooks/{sourceId}',
        stage: '$default',
      },
    });
    expect(e.requestContext.timeEpoch).toEqual(expect.any(Number));

    const drained = await fetch(`${rt.url}/v1/admin/drain`, { method: 'POST', headers: auth });
    expect(drained.status).toBe(200);
    expect(consumed).toHaveLength(1);
    const record = consumed[0]!.Records[0]!;
    expect(record.eventSource).toBe('aws:sqs');
    expect(JSON.parse(record.body)).toMatchObject({ 'detail-type': 'progress.submitted', detail: { taskId: 'T01', n: 1 } });
  });

  it('refuses a body over 256 KiB with 413 without invoking the handler', async () => {
    let called = 0;
    const rt = await start(() => ({
      'ingest-webhook': async () => {
        called++;
        return { statusCode: 202 };
      },
    }));
    const res = await fetch(`${rt.url}/v1/webhooks/rencheng`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(256 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const ok = await fetch(`${rt.url}/v1/webhooks/rencheng`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(256 * 1024),
    });
    expect(ok.status).toBe(202);
    expect(called).toBe(1);
  });

  it('routes a read to the query function by its route in the table, base64-encoding a binary body, and answers 500 like API Gateway when it throws', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const rt = await start(() => ({
      'query-api': async (event) => {
        seen.push(event);
        if (event.rawPath === '/v1/plans/boom') throw new Error('boom');
        return { plain: 'object' } as never;
      },
    }));
    const res = await fetch(`${rt.url}/v1/plans/jining-sports-2023/tasks/T01`, { headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ plain: 'object' });
    expect(seen[0]).toMatchObject({
      routeKey: 'GET /v1/plans/{planId}/tasks/{taskId}',
      pathParameters: { planId: 'jining-sports-2023', taskId: 'T01' },
    });
    expect((await fetch(`${rt.url}/v1/openapi.json`)).status).toBe(200);
    expect(seen[1]).toMatchObject({ routeKey: 'GET /v1/openapi.json' });
    const boom = await fetch(`${rt.url}/v1/plans/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('routes POST /v1/plans/... to the office function; only the office token holds the office role, both tokens read', async () => {
    const seen: Array<{ path: string; office: boolean; reader: boolean }> = [];
    const rt = await start(
      ({ isOffice, isAuthorized }) => ({
        'office-api': async (event) => {
          seen.push({ path: event.rawPath, office: isOffice(event.headers), reader: isAuthorized(event.headers) });
          return { statusCode: 200, body: '{}' };
        },
      }),
      { officeToken: 'office-token-for-the-test' },
    );
    const postAs = (token: string) =>
      fetch(`${rt.url}/v1/plans/jining-sports-2023/tasks/T22/reviews`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await postAs('office-token-for-the-test')).status).toBe(200);
    expect((await postAs(TOKEN)).status).toBe(200);
    expect((await postAs('wrong')).status).toBe(200);
    expect(seen).toEqual([
      { path: '/v1/plans/jining-sports-2023/tasks/T22/reviews', office: true, reader: true },
      { path: '/v1/plans/jining-sports-2023/tasks/T22/reviews', office: false, reader: true },
      { path: '/v1/plans/jining-sports-2023/tasks/T22/reviews', office: false, reader: false },
    ]);
    // The office token also opens the admin routes, as the read token does.
    expect((await fetch(`${rt.url}/v1/admin/status`, { headers: { authorization: 'Bearer office-token-for-the-test' } })).status).toBe(200);
  });

  it('without an office token nobody holds the office role', async () => {
    let office: boolean | undefined;
    const rt = await start(({ isOffice }) => ({
      'office-api': async (event) => ((office = isOffice(event.headers)), { statusCode: 200, body: '{}' }),
    }));
    await fetch(`${rt.url}/v1/plans/jining-sports-2023/amendments`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(office).toBe(false);
  });

  it('refuses to start on a port in use, and releases its queues', async () => {
    const rt = await start(none);
    await expect(
      startRuntime(
        { port: rt.port, dataDir, apiToken: TOKEN, clock: fixedClock('2023-06-01T01:00:00Z'), schedules: false, log: () => undefined },
        none,
      ),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('answers 501 for a function that is not wired and 404 outside the routes', async () => {
    const rt = await start(none);
    expect((await fetch(`${rt.url}/v1/webhooks/rencheng`, { method: 'POST', body: '{}' })).status).toBe(501);
    expect((await fetch(`${rt.url}/nope`)).status).toBe(404);
  });
});

describe('local runtime: admin', () => {
  it('requires the bearer token on every admin route', async () => {
    const rt = await start(none);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong' },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      { authorization: `Bearer ${TOKEN}x` },
    ]) {
      const res = await fetch(`${rt.url}/v1/admin/dlq`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await fetch(`${rt.url}/v1/admin/dlq`, { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('runs a job synchronously as of the given now, or the business clock', async () => {
    const runs: unknown[] = [];
    const rt = await start(() => ({
      'send-reminders': async (event) => {
        runs.push(event);
        return { sent: 2 };
      },
    }));
    const post = (job: string, body?: unknown) =>
      fetch(`${rt.url}/v1/admin/jobs/${job}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const res = await post('send-reminders', { now: '2023-10-09T09:00:00+08:00' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ job: 'send-reminders', now: '2023-10-09T09:00:00+08:00', summary: { sent: 2 } });
    expect((await post('send-reminders')).status).toBe(200);
    expect(runs).toEqual([{ now: '2023-10-09T09:00:00+08:00' }, { now: '2023-06-01T01:00:00.000Z' }]);
    expect((await post('send-reminders', { now: 'yesterday' })).status).toBe(400);
    expect((await post('aggregate-kpis', {})).status).toBe(501);
    expect((await post('no-such-job', {})).status).toBe(404);
  });

  it('lists dead letters with their reason and redrives them', async () => {
    let healthy = false;
    const rt = await start(({ bus }) => ({
      'ingest-webhook': async () => {
        await bus.publish([{ detailType: 'event.registered', detail: { eventId: 'e1' } }]);
        return { statusCode: 202, body: '{}' };
      },
      'register-event': async () => {
        if (!healthy) throw new Error('events table unavailable');
      },
    }));
    expect((await fetch(`${rt.url}/v1/webhooks/s`, { method: 'POST', body: '{}' })).status).toBe(202);
    expect((await fetch(`${rt.url}/v1/admin/drain`, { method: 'POST', headers: auth })).status).toBe(200);
    const dlq = (await (await fetch(`${rt.url}/v1/admin/dlq`, { headers: auth })).json()) as {
      queues: Record<string, Array<{ reason: string; receiveCount: number; message: { detail: unknown } }>>;
      total: number;
    };
    expect(dlq.total).toBe(1);
    expect(dlq.queues['events']).toEqual([
      expect.objectContaining({
        reason: 'Error: events table unavailable',
        receiveCount: 5,
        message: expect.objectContaining({ detail: { eventId: 'e1' } }),
      }),
    ]);

    healthy = true;
    const redrive = await fetch(`${rt.url}/v1/admin/dlq/redrive`, { method: 'POST', headers: auth });
    expect(await redrive.json()).toEqual({ moved: 1 });
    expect((await fetch(`${rt.url}/v1/admin/drain`, { method: 'POST', headers: auth })).status).toBe(200);
    expect(((await (await fetch(`${rt.url}/v1/admin/dlq`, { headers: auth })).json()) as { total: number }).total).toBe(0);
  });

  it('answers 504 to drain when a queue does not empty in time', async () => {
    const rt = await start(
      ({ bus }) => ({
        'ingest-webhook': async () => {
          await bus.publish([{ detailType: 'reminder.due', detail: {} }]);
          return { statusCode: 202, body: '{}' };
        },
      }),
      { drainTimeoutMs: 100 },
    );
    await fetch(`${rt.url}/v1/webhooks/s`, { method: 'POST', body: '{}' });
    const res = await fetch(`${rt.url}/v1/admin/drain`, { method: 'POST', headers: auth });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: 'drain_timeout' }, queues: { delivery: { visible: 1, consumer: null } } });
  });

  it('serves the outbox file as items, oldest first', async () => {
    const items = [
      { id: 'n1', orgId: '370811' },
      { id: 'n2', orgId: '370881' },
    ];
    await writeFile(join(dataDir, 'outbox.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
    const rt = await start(none);
    expect(await (await fetch(`${rt.url}/v1/admin/outbox`, { headers: auth })).json()).toEqual({ items });
  });
});

describe('local runtime: execution environments', () => {
  it('builds one instance of the functions per consumer environment, and never runs two batches through one instance at once', async () => {
    let instances = 0;
    let overlaps = 0;
    let handled = 0;
    const rt = await start(
      ({ bus }) => {
        instances++;
        let active = 0;
        return {
          'ingest-webhook': async () => {
            await bus.publish(Array.from({ length: 40 }, (_, i) => ({ detailType: 'progress.submitted', detail: { i } })));
            return { statusCode: 202, body: '{}' };
          },
          'apply-progress': async (event) => {
            if (++active > 1) overlaps++;
            await new Promise((r) => setTimeout(r, 5));
            handled += event.Records.length;
            active--;
          },
        };
      },
      { consumerConcurrency: 3 },
    );
    expect(instances).toBe(3);
    expect((await fetch(`${rt.url}/v1/webhooks/s`, { method: 'POST', body: '{}' })).status).toBe(202);
    expect((await fetch(`${rt.url}/v1/admin/drain`, { method: 'POST', headers: auth })).status).toBe(200);
    expect(handled).toBe(40);
    expect(overlaps).toBe(0);
  });
});

describe('local runtime: shutdown', () => {
  it('finishes an in-flight request before stop resolves, and refuses new connections after', async () => {
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((r) => (entered = r));
    const rt = await start(() => ({
      'ingest-webhook': async () => {
        entered();
        await new Promise<void>((r) => (release = r));
        return { statusCode: 202, body: '{"done":true}' };
      },
    }));
    const pending = fetch(`${rt.url}/v1/webhooks/s`, { method: 'POST', body: '{}' });
    await inHandler;
    let stopped = false;
    const stopping = rt.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    const res = await pending;
    expect(res.status).toBe(202);
    await stopping;
    await expect(fetch(`${rt.url}/health`)).rejects.toThrow();
    runtime = undefined;
  });
});
