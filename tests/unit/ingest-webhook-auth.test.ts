import { describe, expect, it, vi } from 'vitest';
import type { SourceRegistry } from '../../shared/ports/sources.js';
import { responseJson, sampleBody, signature, signedEvent, signHeaders, source, webhookEvent } from '../helpers/webhooks.js';
import { NOW, NOW_S, SECRET, NEW_SECRET, RETIRED_SECRET, T08, setup, edit, pinDateToNow } from '../helpers/ingest-webhook.js';

pinDateToNow();

describe('401: signature missing or wrong, or timestamp outside ±5 minutes — no hint which', () => {
  async function unauthorizedBody(headers: Record<string, string | undefined>, body = T08) {
    const { handler, bus, intake, log } = setup();
    const res = await handler(webhookEvent({ sourceId: 'rencheng', body, headers }));
    expect(res.statusCode).toBe(401);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
    expect(log.text()).not.toContain(SECRET);
    return res.body;
  }

  it('every failing part answers the same 401 body', async () => {
    const good = signHeaders({ secrets: SECRET, id: 'msg_401', body: T08 });
    const bodies = [
      await unauthorizedBody({ ...good, 'webhook-id': undefined }),
      await unauthorizedBody({ ...good, 'webhook-timestamp': undefined }),
      await unauthorizedBody({ ...good, 'webhook-signature': undefined }),
      await unauthorizedBody({ ...good, 'webhook-signature': '' }),
      await unauthorizedBody({ 'webhook-id': undefined, 'webhook-timestamp': undefined, 'webhook-signature': undefined }),
      await unauthorizedBody({ ...good, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` }),
      await unauthorizedBody({ ...good, 'webhook-timestamp': 'yesterday' }),
      await unauthorizedBody({ ...good, 'webhook-id': 'msg with spaces' }),
      await unauthorizedBody({ ...good, 'webhook-id': 'x'.repeat(129) }),
      await unauthorizedBody(signHeaders({ secrets: SECRET, id: 'msg_401', body: T08, timestampSeconds: NOW_S - 6 * 60 })),
      await unauthorizedBody(signHeaders({ secrets: SECRET, id: 'msg_401', body: T08, timestampSeconds: NOW_S + 6 * 60 })),
    ];
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('a signature 6 minutes old is refused; the same message signed now is accepted', async () => {
    const { handler, bus } = setup();
    const old = await handler(
      signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_time', timestampSeconds: NOW_S - 360 }),
    );
    expect(old.statusCode).toBe(401);
    const fresh = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_time' }));
    expect(fresh.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('the window is ±5 minutes inclusive, against the real clock (Date.now)', async () => {
    const { handler } = setup();
    const at = (offset: number, id: string) =>
      handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id, timestampSeconds: NOW_S + offset }));
    expect((await at(-300, 'msg_a')).statusCode).toBe(202);
    expect((await at(300, 'msg_b')).statusCode).toBe(202);
    expect((await at(-301, 'msg_c')).statusCode).toBe(401);
    expect((await at(301, 'msg_d')).statusCode).toBe(401);
    // A message signed "now" is stale once the real clock has moved on six minutes.
    const event = signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_e' });
    vi.setSystemTime(NOW.getTime() + 6 * 60_000);
    expect((await handler(event)).statusCode).toBe(401);
  });

  it('authentication comes before parsing: an unsigned malformed body is 401, not 400', async () => {
    await unauthorizedBody({}, '{not json');
  });

  it('a valid signature for another source is refused', async () => {
    const other = source({ sourceId: 'yanzhou', orgIds: ['370812'], secrets: [NEW_SECRET] });
    const { handler } = setup({ sources: [source({ secrets: [SECRET] }), other] });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: NEW_SECRET, id: 'msg_x' }));
    expect(res.statusCode).toBe(401);
  });
});

describe('rotation: a source with two secrets', () => {
  const rotating = () => setup({ sources: [source({ secrets: [SECRET, NEW_SECRET] })] });

  it.each([
    ['the old (still listed) secret', [SECRET]],
    ['the new secret', [NEW_SECRET]],
    ['both, space-separated', [SECRET, NEW_SECRET]],
    ['both, new first', [NEW_SECRET, SECRET]],
    ['a retired secret and the new one', [RETIRED_SECRET, NEW_SECRET]],
  ])('a signature by %s is accepted', async (_name, secrets) => {
    const { handler, bus } = rotating();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets, id: 'msg_rot' }));
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('a body signed with a secret no longer in the list is refused', async () => {
    const { handler, bus } = setup({ sources: [source({ secrets: [NEW_SECRET] })] });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_old' }))).statusCode).toBe(401);
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: RETIRED_SECRET, id: 'msg_old' }))).statusCode).toBe(401);
    expect(bus.events).toHaveLength(0);
  });

  it('after the rotation completes, the old secret stops working', async () => {
    let current = [source({ secrets: [SECRET, NEW_SECRET] })];
    const registry: SourceRegistry = { get: async (id) => current.find((s) => s.sourceId === id) };
    const { handler } = setup({ registry });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_r1' }))).statusCode).toBe(202);
    current = [source({ secrets: [NEW_SECRET] })];
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_r2' }))).statusCode).toBe(401);
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: NEW_SECRET, id: 'msg_r2' }))).statusCode).toBe(202);
  });
});

describe('403: the source may not report for that org, or may not send that type', () => {
  it('org not allowed', async () => {
    const { handler, bus, intake } = setup();
    const body = edit(T08, (j) => {
      j.data.orgId = '370812';
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_org' }));
    expect(res.statusCode).toBe(403);
    expect(responseJson(res).error?.code).toBe('org_not_allowed');
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
  });

  it('type not allowed', async () => {
    const { handler, bus } = setup({
      sources: [source({ sourceId: 'mass-sports', orgIds: ['jn-mass-sports'], types: ['progress.submitted'], secrets: [SECRET] })],
    });
    const res = await handler(
      signedEvent({ sourceId: 'mass-sports', body: sampleBody('valid/event-marathon-2023-held.json'), secrets: SECRET, id: 'msg_t' }),
    );
    expect(res.statusCode).toBe(403);
    expect(responseJson(res).error?.code).toBe('type_not_allowed');
    expect(bus.events).toHaveLength(0);
  });
});

describe('secrets never leave the function', () => {
  it('no response or log line of any path contains a secret or a valid signature’s key material', async () => {
    const secrets = [SECRET, NEW_SECRET];
    const { handler, log } = setup({ sources: [source({ secrets })] });
    const bodies: string[] = [];
    const run = async (event: ReturnType<typeof webhookEvent>) => bodies.push((await handler(event)).body ?? '');
    await run(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_s1' }));
    await run(signedEvent({ sourceId: 'rencheng', body: T08, secrets: RETIRED_SECRET, id: 'msg_s2' }));
    await run(signedEvent({ sourceId: 'rencheng', body: '{', secrets: SECRET, id: 'msg_s3' }));
    await run(signedEvent({ sourceId: 'rencheng', body: edit(T08, (j) => void (j.data.orgId = '1')), secrets: SECRET, id: 'msg_s4' }));
    await run(
      webhookEvent({
        sourceId: 'rencheng',
        body: T08,
        headers: { 'webhook-id': 'm', 'webhook-timestamp': String(NOW_S), 'webhook-signature': signature(SECRET, 'n', NOW_S, T08) },
      }),
    );
    const everything = bodies.join('\n') + log.text();
    for (const s of [...secrets, RETIRED_SECRET]) {
      expect(everything).not.toContain(s);
      expect(everything).not.toContain(s.slice('whsec_'.length));
    }
  });
});
