import { createHash } from 'node:crypto';
import { mkdtemp, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusPublishError } from '../../shared/adapters/errors.js';
import { EVENT_SOURCE } from '../../events/schemas.js';
import { LocalEventBus } from '../../local/bus.js';
import { BATCH_ITEM_FAILURE_REASON, QueueConsumer } from '../../local/consumer.js';
import { LocalQueue } from '../../local/queue.js';

let dir: string;
const open: LocalQueue[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-queue-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
  await rm(dir, { recursive: true, force: true });
});

async function queue(options: { maxReceiveCount?: number; visibilityTimeoutMs?: number; now?: () => number } = {}) {
  const q = await LocalQueue.open({
    name: 'progress',
    dir,
    maxReceiveCount: options.maxReceiveCount ?? 5,
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 20,
    ...(options.now ? { now: options.now } : {}),
  });
  open.push(q);
  return q;
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function consumer(q: LocalQueue, handler: (event: SQSEvent) => Promise<unknown>, batchSize = 10) {
  return new QueueConsumer({
    queue: q,
    handlers: [handler as never],
    functionName: 'apply-progress',
    batchSize,
    timeoutMs: 5_000,
    region: 'local',
  });
}

describe('queue consumer (event source mapping)', () => {
  it('redelivers exactly the record a partial batch response names, with its receive count', async () => {
    const q = await queue();
    for (const b of ['a', 'b', 'c']) await q.send(b);
    const calls: Array<Array<{ body: string; count: string }>> = [];
    const c = consumer(q, async (event) => {
      calls.push(event.Records.map((r) => ({ body: r.body, count: r.attributes.ApproximateReceiveCount })));
      const failing = event.Records.filter((r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    c.start();
    await until(() => q.isEmpty(), 'the queue to empty');
    await c.stop();
    expect(calls).toEqual([
      [
        { body: 'a', count: '1' },
        { body: 'b', count: '1' },
        { body: 'c', count: '1' },
      ],
      [{ body: 'b', count: '2' }],
    ]);
    expect(q.deadLetters()).toEqual([]);
  });

  it('delivers SQS records carrying the body, attributes and queue ARN', async () => {
    const q = await queue();
    await q.send('{"x":1}');
    let seen: SQSRecord | undefined;
    const c = consumer(q, async (event) => {
      seen = event.Records[0];
    });
    c.start();
    await until(() => q.isEmpty(), 'the queue to empty');
    await c.stop();
    expect(seen).toMatchObject({
      body: '{"x":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:progress',
      awsRegion: 'local',
      md5OfBody: createHash('md5').update('{"x":1}').digest('hex'),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d+$/) },
    });
  });

  it('moves a record to the DLQ after maxReceiveCount with the reason, having delivered it that many times', async () => {
    const q = await queue({ maxReceiveCount: 3 });
    await q.send('poison');
    await q.send('fine');
    let poisonSeen = 0;
    const c = consumer(q, async (event) => {
      const poison = event.Records.filter((r) => r.body === 'poison');
      poisonSeen += poison.length;
      return { batchItemFailures: poison.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    c.start();
    await until(() => q.isEmpty(), 'the queue to empty');
    await c.stop();
    expect(poisonSeen).toBe(3);
    const dead = q.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ body: 'poison', receiveCount: 3, reason: BATCH_ITEM_FAILURE_REASON });
  });

  it('fails the whole batch with the error message when the handler throws', async () => {
    const q = await queue({ maxReceiveCount: 2 });
    await q.send('x');
    await q.send('y');
    const c = consumer(q, async () => {
      throw new Error('table is on fire');
    });
    c.start();
    await until(() => q.isEmpty(), 'the queue to empty');
    await c.stop();
    expect(q.deadLetters().map((d) => [d.body, d.reason])).toEqual([
      ['x', 'Error: table is on fire'],
      ['y', 'Error: table is on fire'],
    ]);
  });

  it('fails the whole batch when batchItemFailures names a record that is not in it', async () => {
    const q = await queue({ maxReceiveCount: 1 });
    await q.send('x');
    await q.send('y');
    const c = consumer(q, async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }));
    c.start();
    await until(() => q.isEmpty(), 'the queue to empty');
    await c.stop();
    expect(q.deadLetters().map((d) => d.body)).toEqual(['x', 'y']);
  });

  it('splits messages into batches of at most batchSize', async () => {
    const q = await queue();
    for (let i = 0; i < 7; i++) await q.send(String(i));
    const sizes: number[] = [];
    const c = consumer(
      q,
      async (event) => {
        sizes.push(event.Records.length);
      },
      3,
    );
    c.start();
    await until(() => q.isEmpty(), 'the queue to empty');
    await c.stop();
    expect(sizes).toEqual([3, 3, 1]);
  });
});

describe('queue visibility', () => {
  it('keeps a failed message invisible until its visibility timeout ends', async () => {
    let now = 1_000_000;
    const q = await queue({ visibilityTimeoutMs: 2_000, now: () => now });
    await q.send('m');
    const [first] = q.receive(10);
    expect(q.receive(10)).toEqual([]);
    expect(await q.fail(first!.receiptHandle, 'nope')).toBe('retry');
    now += 1_999;
    expect(q.receive(10)).toEqual([]);
    now += 1;
    const again = q.receive(10);
    expect(again.map((m) => [m.body, m.receiveCount])).toEqual([['m', 2]]);
    expect(q.ack(first!.receiptHandle)).toBe(false);
    expect(q.ack(again[0]!.receiptHandle)).toBe(true);
    expect(q.isEmpty()).toBe(true);
  });
});

describe('queue persistence', () => {
  it('keeps unacknowledged messages, receive counts and dead letters across a reopen', async () => {
    const q1 = await queue({ maxReceiveCount: 1 });
    await q1.send('acked');
    await q1.send('in-flight');
    await q1.send('dead');
    await q1.send('untouched');
    const received = q1.receive(3);
    const byBody = new Map(received.map((m) => [m.body, m]));
    q1.ack(byBody.get('acked')!.receiptHandle);
    expect(await q1.fail(byBody.get('dead')!.receiptHandle, 'bad record')).toBe('dead');
    // 'in-flight' is never acknowledged: the process "crashes" with it in flight.
    await q1.close();
    open.splice(open.indexOf(q1), 1);

    const q2 = await queue({ maxReceiveCount: 5 });
    const again = q2.receive(10);
    expect(again.map((m) => [m.body, m.receiveCount])).toEqual([
      ['in-flight', 2],
      ['untouched', 1],
    ]);
    expect(q2.deadLetters().map((d) => [d.body, d.reason, d.receiveCount])).toEqual([['dead', 'bad record', 1]]);

    expect(await q2.redrive()).toBe(1);
    expect(q2.deadLetters()).toEqual([]);
    const redriven = q2.receive(10);
    expect(redriven.map((m) => [m.body, m.receiveCount])).toEqual([['dead', 1]]);
  });

  it('skips a torn last line left by a crash', async () => {
    const q1 = await queue();
    await q1.send('kept');
    await q1.close();
    open.splice(open.indexOf(q1), 1);
    await appendFile(LocalQueue.path(dir, 'progress'), '{"op":"sent","m":{"messageId":"x","bo');
    const q2 = await queue();
    expect(q2.receive(10).map((m) => m.body)).toEqual(['kept']);
  });
});

describe('in-process bus', () => {
  async function queues() {
    const make = (name: string) => LocalQueue.open({ name, dir, maxReceiveCount: 5, visibilityTimeoutMs: 20 });
    const qs = { progress: await make('progress'), events: await make('events'), delivery: await make('delivery') };
    open.push(...Object.values(qs));
    return qs;
  }

  it('routes by detail-type into the queue of the routing table, as an EventBridge envelope', async () => {
    const qs = await queues();
    const bus = new LocalEventBus({ queues: qs, region: 'local' });
    await bus.publish([
      { detailType: 'progress.submitted', detail: { taskId: 'T01' } },
      { detailType: 'event.registered', detail: { eventId: 'e1' } },
      { detailType: 'kpi.snapshot.created', detail: { planId: 'p' } },
    ]);
    const progress = qs.progress.receive(10).map((m) => JSON.parse(m.body));
    expect(progress).toEqual([
      {
        version: '0',
        id: expect.any(String),
        'detail-type': 'progress.submitted',
        source: EVENT_SOURCE,
        account: '000000000000',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: 'local',
        resources: [],
        detail: { taskId: 'T01' },
      },
    ]);
    expect(qs.events.receive(10).map((m) => JSON.parse(m.body).detail)).toEqual([{ eventId: 'e1' }]);
    expect(qs.delivery.receive(10)).toEqual([]);
  });

  it('rejects with BusPublishError and queues nothing for entries an injected fault fails', async () => {
    const qs = await queues();
    const bus = new LocalEventBus({ queues: qs, region: 'local', faultShare: 1 });
    await expect(bus.publish([{ detailType: 'progress.submitted', detail: {} }])).rejects.toBeInstanceOf(BusPublishError);
    expect(qs.progress.isEmpty()).toBe(true);
  });
});
