import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamCheckpoints, StreamPoller, type StreamShard, type StreamSource } from '../../local/stream.js';
import { waitUntil } from '../e2e/local-process.js';

/**
 * The local stand-in for Lambda's event source mapping on the table's stream (local/stream.ts), over an
 * in-memory stream: filter, batches, checkpoints, retry from the first record not taken, shard lineage.
 */

class MemoryStream implements StreamSource {
  readonly streamArn = 'arn:local:stream/1';
  readonly shards_: Array<StreamShard & { records: DynamoDBRecord[]; closed: boolean }> = [];
  private seq = 0;

  shard(shardId: string, parentShardId?: string) {
    this.shards_.push({ shardId, ...(parentShardId ? { parentShardId } : {}), records: [], closed: false });
  }

  append(shardId: string, kind: string, id: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT') {
    const seq = String(++this.seq).padStart(21, '0');
    this.shards_
      .find((s) => s.shardId === shardId)!
      .records.push({ eventName, dynamodb: { SequenceNumber: seq, NewImage: { kind: { S: kind }, id: { S: id } } } });
  }

  async shards() {
    return this.shards_.map(({ shardId, parentShardId }) => ({ shardId, ...(parentShardId ? { parentShardId } : {}) }));
  }

  async iterator(shardId: string, after?: string) {
    const records = this.shards_.find((s) => s.shardId === shardId)!.records;
    const from = after === undefined ? 0 : records.findIndex((r) => r.dynamodb!.SequenceNumber === after) + 1;
    return `${shardId}@${from}`;
  }

  async records(iterator: string, limit: number) {
    const [shardId, at] = iterator.split('@') as [string, string];
    const shard = this.shards_.find((s) => s.shardId === shardId)!;
    const from = Number(at);
    const records = shard.records.slice(from, from + limit);
    const end = from + records.length;
    const done = shard.closed && end >= shard.records.length;
    return { records, ...(done ? {} : { next: `${shardId}@${end}` }) };
  }
}

const ids = (e: DynamoDBStreamEvent) => e.Records.map((r) => r.dynamodb!.NewImage!.id!.S!);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-stream-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function poller(
  stream: MemoryStream,
  handler: (e: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>,
  batchSize = 2,
  now?: () => number,
) {
  const p = new StreamPoller({
    source: stream,
    checkpoints: await StreamCheckpoints.open(join(dir, 'checkpoints.jsonl'), stream.streamArn),
    handler,
    filter: (r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.kind?.S === 'report',
    batchSize,
    functionName: 'relay-outbox',
    timeoutMs: 5_000,
    region: 'local',
    idleMs: 5,
    ...(now ? { now } : {}),
  });
  return p;
}

async function caughtUp(p: StreamPoller) {
  const since = Date.now();
  expect(await waitUntil(() => p.caughtUpSince(since), 5_000)).toBe(true);
}

describe('StreamPoller', () => {
  it('hands on only what passes the filter, in order and in batches, and is caught up once a pass finds nothing', async () => {
    const stream = new MemoryStream();
    stream.shard('s1');
    for (const [kind, id] of [
      ['report', 'a'],
      ['unit', 'x'],
      ['report', 'b'],
      ['report', 'c'],
    ] as const)
      stream.append('s1', kind, id);
    stream.append('s1', 'report', 'modified', 'MODIFY');
    const batches: string[][] = [];
    const p = await poller(stream, async (e) => void batches.push(ids(e)));
    p.start();
    await caughtUp(p);
    stream.append('s1', 'report', 'd');
    await caughtUp(p);
    await p.stop();
    expect(batches).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('a batch item failure is handed on again from that record; nothing before it twice, nothing skipped', async () => {
    const stream = new MemoryStream();
    stream.shard('s1');
    for (const id of ['a', 'b', 'c', 'd']) stream.append('s1', 'report', id);
    const seen: string[] = [];
    let failOnce = true;
    const p = await poller(
      stream,
      async (e) => {
        seen.push(...ids(e));
        const b = e.Records.find((r) => r.dynamodb!.NewImage!.id!.S === 'b');
        if (b && failOnce) {
          failOnce = false;
          return { batchItemFailures: [{ itemIdentifier: b.dynamodb!.SequenceNumber! }] };
        }
        return { batchItemFailures: [] };
      },
      4,
    );
    p.start();
    await caughtUp(p);
    await p.stop();
    // a, b, c, d (b refused) → b, c, d again.
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'b', 'c', 'd']);
  });

  it('a handler that throws is handed the whole batch again', async () => {
    const stream = new MemoryStream();
    stream.shard('s1');
    stream.append('s1', 'report', 'a');
    let calls = 0;
    const p = await poller(stream, async () => {
      if (++calls < 3) throw new Error('bus down');
    });
    p.start();
    await caughtUp(p);
    await p.stop();
    expect(calls).toBe(3);
  });

  it('resumes after a stop (or a crash) just after its durable checkpoint', async () => {
    const stream = new MemoryStream();
    stream.shard('s1');
    for (const id of ['a', 'b']) stream.append('s1', 'report', id);
    const first: string[] = [];
    const p1 = await poller(stream, async (e) => void first.push(...ids(e)));
    p1.start();
    await caughtUp(p1);
    await p1.stop();
    stream.append('s1', 'unit', 'x');
    stream.append('s1', 'report', 'c');
    const second: string[] = [];
    const p2 = await poller(stream, async (e) => void second.push(...ids(e)));
    p2.start();
    await caughtUp(p2);
    await p2.stop();
    expect(first).toEqual(['a', 'b']);
    expect(second).toEqual(['c']);
  });

  it('reads a closed parent shard to its end before its child', async () => {
    const stream = new MemoryStream();
    stream.shard('parent');
    stream.shard('child', 'parent');
    stream.append('parent', 'report', 'p1');
    stream.append('child', 'report', 'c1');
    stream.append('parent', 'report', 'p2');
    stream.shards_[0]!.closed = true;
    const seen: string[] = [];
    const p = await poller(stream, async (e) => void seen.push(...ids(e)), 10);
    p.start();
    await caughtUp(p);
    await p.stop();
    expect(seen).toEqual(['p1', 'p2', 'c1']);
  });

  // A frozen clock makes the two races of `caughtUpSince` certain instead of rare (CI once saw each).
  it('a pass that began in the same millisecond as `since` does not count: it may have read the shard before the record', async () => {
    let t = 100;
    const stream = new MemoryStream();
    stream.shard('s1');
    const batches: string[][] = [];
    const p = await poller(
      stream,
      async (e) => void batches.push(ids(e)),
      2,
      () => t,
    );
    p.start();
    expect(await waitUntil(() => p.caughtUpSince(99), 5_000)).toBe(true);
    stream.append('s1', 'report', 'a');
    // Every pass now starts at 100, some of them before the append: none of them answers for it.
    await new Promise((r) => setTimeout(r, 50));
    expect(p.caughtUpSince(100)).toBe(false);
    t = 101;
    expect(await waitUntil(() => p.caughtUpSince(100), 5_000)).toBe(true);
    await p.stop();
    expect(batches).toEqual([['a']]);
  });

  it('asking lists the shards again: a shard opened after the last listing is read before it answers', async () => {
    let t = 100;
    const stream = new MemoryStream();
    stream.shard('s1');
    const seen: string[] = [];
    const p = await poller(
      stream,
      async (e) => void seen.push(...ids(e)),
      2,
      () => t,
    );
    p.start();
    expect(await waitUntil(() => p.caughtUpSince(99), 5_000)).toBe(true);
    // The listing is at most a second old (by this clock it is still fresh) when the shard rolls over.
    stream.shards_[0]!.closed = true;
    stream.shard('s2', 's1');
    stream.append('s2', 'report', 'e');
    t = 101;
    expect(await waitUntil(() => p.caughtUpSince(100), 5_000)).toBe(true);
    await p.stop();
    expect(seen).toEqual(['e']);
  });
});
