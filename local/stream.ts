import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { readJsonLines, rewriteJsonLines } from './append-log.js';
import { lambdaContext, withTimeout } from './lambda-context.js';
import type { StreamFunction } from './registry.js';
import { describeError } from '../shared/errors.js';

/** One shard of a table's stream. */
export interface StreamShard {
  shardId: string;
  parentShardId?: string;
}

/** What the poller reads: DynamoDB Local's Streams API here, an in-memory stream in tests. */
export interface StreamSource {
  readonly streamArn: string;
  /** Every shard of the stream (a closed shard is read to its end, then its children). */
  shards(): Promise<StreamShard[]>;
  /** An iterator at the shard's start (`TRIM_HORIZON`) or just after a sequence number. */
  iterator(shardId: string, afterSequenceNumber?: string): Promise<string>;
  /** Records from `iterator`, and the iterator to read on with (none once a closed shard is read to its end). */
  records(iterator: string, limit: number): Promise<{ records: DynamoDBRecord[]; next?: string }>;
}

/** The Streams API of DynamoDB Local (or DynamoDB) through the SDK, records in the shape Lambda hands a trigger. */
export function dynamoDbStream(client: DynamoDBStreamsClient, streamArn: string, region: string): StreamSource {
  return {
    streamArn,
    async shards() {
      const shards: StreamShard[] = [];
      let start: string | undefined;
      do {
        const out = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
        for (const s of out.StreamDescription?.Shards ?? []) {
          if (s.ShardId) shards.push({ shardId: s.ShardId, ...(s.ParentShardId ? { parentShardId: s.ParentShardId } : {}) });
        }
        start = out.StreamDescription?.LastEvaluatedShardId;
      } while (start);
      return shards;
    },
    async iterator(shardId, after) {
      const out = await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      if (!out.ShardIterator) throw new Error(`no iterator for shard ${shardId}`);
      return out.ShardIterator;
    },
    async records(iterator, limit) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      return {
        records: (out.Records ?? []).map((r) => lambdaRecord(r, streamArn, region)),
        ...(out.NextShardIterator ? { next: out.NextShardIterator } : {}),
      };
    },
  };
}

function lambdaRecord(r: _Record, streamArn: string, region: string): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
}

interface CheckpointState {
  streamArn: string;
  /** shardId → the last sequence number handed on (or skipped by the filter); `done` for a shard read to its end. */
  shards: Record<string, string>;
}

const DONE = 'done';

/**
 * Where the poller is in each shard, kept under DATA_DIR and replaced atomically (temp file, fsync,
 * rename) after every batch the handler took: after a crash the poller resumes just after the last
 * checkpoint, so a record is handed on at least once and never skipped.
 */
export class StreamCheckpoints {
  private constructor(
    private readonly path: string,
    private state: CheckpointState,
  ) {}

  /** Checkpoints of another stream (the table was created again) are dropped. */
  static async open(path: string, streamArn: string): Promise<StreamCheckpoints> {
    const [saved] = (await readJsonLines(path)).entries as Array<CheckpointState | undefined>;
    return new StreamCheckpoints(path, saved?.streamArn === streamArn ? saved : { streamArn, shards: {} });
  }

  after(shardId: string): string | undefined {
    const s = this.state.shards[shardId];
    return s === DONE ? undefined : s;
  }

  isDone(shardId: string): boolean {
    return this.state.shards[shardId] === DONE;
  }

  /**
   * Moves the shard's checkpoint. `durable: false` when nothing was handed on (only records the filter
   * drops): re-reading those after a crash costs nothing, so no fsync for them; the next durable
   * checkpoint writes it.
   */
  async advance(shardId: string, sequenceNumber: string /* or DONE */, durable = true): Promise<void> {
    if (this.state.shards[shardId] !== sequenceNumber) {
      this.state = { ...this.state, shards: { ...this.state.shards, [shardId]: sequenceNumber } };
      this.dirty = true;
    }
    if (durable && this.dirty) {
      await rewriteJsonLines(this.path, [this.state]);
      this.dirty = false;
    }
  }
  private dirty = false;

  async finish(shardId: string): Promise<void> {
    await this.advance(shardId, DONE);
  }
}

export interface StreamPollerOptions {
  source: StreamSource;
  checkpoints: StreamCheckpoints;
  handler: StreamFunction;
  /** The event source mapping's filter: records it drops are skipped (and checkpointed) without an invocation. */
  filter: (record: DynamoDBRecord) => boolean;
  batchSize: number;
  functionName: string;
  timeoutMs: number;
  region: string;
  /** How long to wait when the stream has nothing new. Default 100 ms. */
  idleMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

/** Longest wait between retries of a batch the handler failed. */
const MAX_BACKOFF_MS = 2_000;
const REFRESH_SHARDS_MS = 1_000;

/**
 * Lambda's event source mapping for a DynamoDB stream, with ReportBatchItemFailures, on one
 * machine: reads every shard (parents before children) from its checkpoint, hands the records that
 * pass the filter to the handler in batches, checkpoints what was handed on, and on a failure goes
 * back to the first failed record and tries again (with backoff, for as long as it takes: there is
 * no on-failure destination locally, and a record is never skipped).
 */
export class StreamPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly iterators = new Map<string, string>();
  private idlePassStartedAt = -1;
  /** The latest `since` asked about: the next pass lists the shards again if its list is older. */
  private wantedSince = -1;
  private readonly now: () => number;

  constructor(private readonly options: StreamPollerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /**
   * True once a whole pass over the stream found nothing new to hand on, where the pass began, and
   * its list of shards was read, strictly after `since`. Strictly: a pass that began in the same
   * millisecond may have read a shard just before a record written in that millisecond. Asking also
   * makes the next pass list the shards again, so a shard opened since the last listing is not missed.
   */
  caughtUpSince(since: number): boolean {
    this.wantedSince = Math.max(this.wantedSince, since);
    return this.idlePassStartedAt > since;
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    let shards: StreamShard[] = [];
    let refreshedAt = -Infinity;
    let failures = 0;
    while (this.running) {
      const passStart = this.now();
      let found = false;
      let failed = false;
      try {
        if (passStart - refreshedAt >= REFRESH_SHARDS_MS || refreshedAt <= this.wantedSince) {
          shards = await this.options.source.shards();
          refreshedAt = passStart;
        }
        for (const shard of readable(shards, this.options.checkpoints)) {
          if (!this.running) break;
          const outcome = await this.pollShard(shard.shardId);
          if (outcome === 'records') found = true;
          else if (outcome === 'failed') failed = true;
          else if (outcome === 'ended') refreshedAt = -Infinity;
        }
      } catch (err) {
        failed = true;
        // An expired iterator (or one past trimmed records) is got again from the checkpoint; after
        // any other error (throttled, timed out) the same iterator reads the same records again.
        if (err instanceof Error && /ExpiredIterator|TrimmedDataAccess|ResourceNotFound/.test(err.name)) this.iterators.clear();
        log?.(`stream ${this.options.functionName}: ${describeError(err)}`);
      }
      // The pass knew the stream as of its shard listing, which may be older than the pass.
      if (!found && !failed) this.idlePassStartedAt = Math.min(passStart, refreshedAt);
      failures = failed ? failures + 1 : 0;
      if (failed) await this.sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(failures, 6)));
      else if (!found) await this.sleep(this.options.idleMs ?? 100);
    }
  }

  /** Reads one shard once and hands its records on. */
  private async pollShard(shardId: string): Promise<'records' | 'idle' | 'ended' | 'failed'> {
    const { source, checkpoints } = this.options;
    const iterator = this.iterators.get(shardId) ?? (await source.iterator(shardId, checkpoints.after(shardId)));
    const { records, next } = await source.records(iterator, 1000);
    if (records.length === 0) {
      if (next) {
        this.iterators.set(shardId, next);
        return 'idle';
      }
      this.iterators.delete(shardId);
      await checkpoints.finish(shardId);
      return 'ended';
    }
    const { failedAt, handed } = await this.handOn(records);
    if (failedAt === undefined) {
      await checkpoints.advance(shardId, records[records.length - 1]!.dynamodb!.SequenceNumber!, handed > 0);
      if (next) this.iterators.set(shardId, next);
      else this.iterators.delete(shardId);
      return 'records';
    }
    // Everything before the failed record was handed on; read again from it.
    if (failedAt > 0) await checkpoints.advance(shardId, records[failedAt - 1]!.dynamodb!.SequenceNumber!);
    this.iterators.delete(shardId);
    return 'failed';
  }

  /** Hands the filtered records on in batches: how many passed the filter, and the index (in `records`) of the first one not taken. */
  private async handOn(records: DynamoDBRecord[]): Promise<{ handed: number; failedAt?: number }> {
    const { filter, batchSize, handler, functionName, timeoutMs, region, log } = this.options;
    const passing = records.map((r, i) => ({ r, i })).filter(({ r }) => filter(r));
    for (let b = 0; b < passing.length; b += batchSize) {
      const batch = passing.slice(b, b + batchSize);
      let firstFailed: number | undefined;
      try {
        const response = await withTimeout(
          handler({ Records: batch.map((x) => x.r) }, lambdaContext(functionName, timeoutMs, region)),
          functionName,
          timeoutMs,
        );
        firstFailed = firstFailure(response, batch);
      } catch (err) {
        log?.(`${functionName} failed a batch of ${batch.length}: ${describeError(err)}`);
        firstFailed = 0;
      }
      if (firstFailed !== undefined) return { handed: passing.length, failedAt: batch[firstFailed]!.i };
    }
    return { handed: passing.length };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** The position in `batch` of the first record the response fails (Lambda: the lowest sequence number named); a malformed response fails the whole batch. */
function firstFailure(response: DynamoDBBatchResponse | void, batch: Array<{ r: DynamoDBRecord }>): number | undefined {
  const items = (response as Partial<DynamoDBBatchResponse> | undefined | null)?.batchItemFailures;
  if (items === undefined || items === null) return undefined;
  if (!Array.isArray(items)) return 0;
  if (items.length === 0) return undefined;
  const positions = items.map((f) => batch.findIndex((x) => x.r.dynamodb?.SequenceNumber === f?.itemIdentifier));
  return positions.some((p) => p < 0) ? 0 : Math.min(...positions);
}

/** Shards to read now: not read to their end, and whose parent (if the stream still lists it) is. */
function readable(shards: StreamShard[], checkpoints: StreamCheckpoints): StreamShard[] {
  const listed = new Set(shards.map((s) => s.shardId));
  return shards.filter(
    (s) => !checkpoints.isDone(s.shardId) && (!s.parentShardId || !listed.has(s.parentShardId) || checkpoints.isDone(s.parentShardId)),
  );
}
