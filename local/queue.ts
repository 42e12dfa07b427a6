import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppendLog, readJsonLines, rewriteJsonLines } from './append-log.js';

/** A message as the queue keeps it. */
export interface QueueMessage {
  messageId: string;
  body: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Why the last receive failed, if it did. */
  lastError?: string;
}

/** A message handed to a consumer; `receiptHandle` identifies this one receive. */
export interface ReceivedMessage extends QueueMessage {
  receiptHandle: string;
}

export interface DeadLetter extends QueueMessage {
  reason: string;
  deadAt: number;
}

export interface QueueOptions {
  name: string;
  /** Directory holding `<name>.jsonl`. */
  dir: string;
  maxReceiveCount: number;
  visibilityTimeoutMs: number;
  now?: () => number;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  /** Failed receives waiting for their visibility timeout. */
  waiting: number;
  dead: number;
}

type LogEntry =
  | { op: 'sent'; m: QueueMessage }
  | { op: 'received'; id: string; at: number }
  | { op: 'acked'; id: string }
  | { op: 'failed'; id: string; reason: string }
  | { op: 'dead'; id: string; reason: string; at: number }
  | { op: 'dead-letter'; m: QueueMessage; reason: string; at: number }
  | { op: 'redriven'; id: string };

interface Held extends QueueMessage {
  visibleAt: number;
  receiptHandle?: string;
  receivedAt?: number;
}

export type FailOutcome = 'retry' | 'dead' | 'stale';

/**
 * A queue that behaves like SQS where our code depends on it: a received message is invisible until
 * it is acknowledged or fails; a failed one comes back after the visibility timeout with its receive
 * count incremented; after `maxReceiveCount` receives it moves to the dead-letter queue with the
 * reason. Persisted as an append-only JSON-lines log (`sent` entries fsync'd before `send` resolves),
 * replayed and compacted when opened, so messages survive a crash and a restart.
 */
export class LocalQueue {
  private readonly pending = new Map<string, Held>();
  private readonly dead = new Map<string, DeadLetter>();
  private readonly byReceipt = new Map<string, string>();
  private waiters: Array<() => void> = [];
  private readonly now: () => number;

  private constructor(
    readonly options: QueueOptions,
    private log: AppendLog | undefined,
  ) {
    this.now = options.now ?? Date.now;
  }

  get name(): string {
    return this.options.name;
  }

  static path(dir: string, name: string): string {
    return join(dir, `${name}.jsonl`);
  }

  /** Replays the log (a message in flight at a crash becomes visible again), compacts it and opens it for appends. */
  static async open(options: QueueOptions): Promise<LocalQueue> {
    await mkdir(options.dir, { recursive: true });
    const path = LocalQueue.path(options.dir, options.name);
    const queue = new LocalQueue(options, undefined);
    const { entries } = await readJsonLines(path);
    for (const e of entries) queue.replay(e as LogEntry);
    const compacted: LogEntry[] = [
      ...[...queue.pending.values()].map((h): LogEntry => ({ op: 'sent', m: plain(h) })),
      ...[...queue.dead.values()].map((d): LogEntry => ({ op: 'dead-letter', m: plain(d), reason: d.reason, at: d.deadAt })),
    ];
    await rewriteJsonLines(path, compacted);
    queue.log = await AppendLog.open(path);
    return queue;
  }

  private replay(e: LogEntry): void {
    switch (e.op) {
      case 'sent':
        this.pending.set(e.m.messageId, { ...e.m, visibleAt: 0 });
        break;
      case 'received': {
        const h = this.pending.get(e.id);
        if (h) {
          h.receiveCount++;
          h.firstReceiveTimestamp ??= e.at;
        }
        break;
      }
      case 'failed': {
        const h = this.pending.get(e.id);
        if (h) h.lastError = e.reason;
        break;
      }
      case 'acked':
        this.pending.delete(e.id);
        break;
      case 'dead': {
        const h = this.pending.get(e.id);
        if (h) {
          this.pending.delete(e.id);
          this.dead.set(e.id, { ...plain(h), reason: e.reason, deadAt: e.at });
        }
        break;
      }
      case 'dead-letter':
        this.dead.set(e.m.messageId, { ...e.m, reason: e.reason, deadAt: e.at });
        break;
      case 'redriven': {
        const d = this.dead.get(e.id);
        if (d) {
          this.dead.delete(e.id);
          this.pending.set(e.id, { ...redriven(d), visibleAt: 0 });
        }
        break;
      }
    }
  }

  private write(entry: LogEntry, durable: boolean): Promise<void> {
    if (!this.log) throw new Error(`queue ${this.name} is not open`);
    return this.log.append(entry, durable);
  }

  /** Resolves with the message id once the message is durably on disk. */
  async send(body: string): Promise<string> {
    const m: QueueMessage = { messageId: randomUUID(), body, sentTimestamp: this.now(), receiveCount: 0 };
    await this.write({ op: 'sent', m }, true);
    this.pending.set(m.messageId, { ...m, visibleAt: 0 });
    this.notify();
    return m.messageId;
  }

  /** Up to `max` visible messages, oldest first; each becomes invisible and its receive count goes up. */
  receive(max: number): ReceivedMessage[] {
    const now = this.now();
    const out: ReceivedMessage[] = [];
    for (const h of this.pending.values()) {
      if (out.length >= max) break;
      if (h.receiptHandle !== undefined || h.visibleAt > now) continue;
      h.receiveCount++;
      h.firstReceiveTimestamp ??= now;
      h.receivedAt = now;
      h.visibleAt = now + this.options.visibilityTimeoutMs;
      h.receiptHandle = randomUUID();
      this.byReceipt.set(h.receiptHandle, h.messageId);
      void this.write({ op: 'received', id: h.messageId, at: now }, false).catch(() => undefined);
      out.push({ ...plain(h), receiptHandle: h.receiptHandle });
    }
    return out;
  }

  private take(receiptHandle: string): Held | undefined {
    const id = this.byReceipt.get(receiptHandle);
    if (id === undefined) return undefined;
    this.byReceipt.delete(receiptHandle);
    const h = this.pending.get(id);
    if (!h || h.receiptHandle !== receiptHandle) return undefined;
    h.receiptHandle = undefined;
    return h;
  }

  /** Deletes a received message (the consumer processed it). False when the receipt is unknown or stale. */
  ack(receiptHandle: string): boolean {
    const h = this.take(receiptHandle);
    if (!h) return false;
    this.pending.delete(h.messageId);
    void this.write({ op: 'acked', id: h.messageId }, false).catch(() => undefined);
    this.notify();
    return true;
  }

  /**
   * A received message failed: it becomes visible again when its visibility timeout (counted from
   * the receive) ends, or moves to the dead-letter queue when it has been received `maxReceiveCount` times.
   */
  async fail(receiptHandle: string, reason: string): Promise<FailOutcome> {
    const h = this.take(receiptHandle);
    if (!h) return 'stale';
    h.lastError = reason;
    if (h.receiveCount >= this.options.maxReceiveCount) {
      const at = this.now();
      this.pending.delete(h.messageId);
      this.dead.set(h.messageId, { ...plain(h), reason, deadAt: at });
      await this.write({ op: 'dead', id: h.messageId, reason, at }, true);
      this.notify();
      return 'dead';
    }
    h.visibleAt = Math.max(h.visibleAt, this.now());
    void this.write({ op: 'failed', id: h.messageId, reason }, false).catch(() => undefined);
    this.notify();
    return 'retry';
  }

  /** Dead letters, oldest first. */
  deadLetters(): DeadLetter[] {
    return [...this.dead.values()].sort((a, b) => a.deadAt - b.deadAt);
  }

  /** Moves every dead letter back onto the queue with its receive count reset; resolves with how many. */
  async redrive(): Promise<number> {
    const letters = this.deadLetters();
    for (const d of letters) {
      this.dead.delete(d.messageId);
      this.pending.set(d.messageId, { ...redriven(d), visibleAt: 0 });
    }
    await Promise.all(letters.map((d) => this.write({ op: 'redriven', id: d.messageId }, true)));
    if (letters.length > 0) this.notify();
    return letters.length;
  }

  depth(): QueueDepth {
    const now = this.now();
    let visible = 0;
    let inFlight = 0;
    let waiting = 0;
    for (const h of this.pending.values()) {
      if (h.receiptHandle !== undefined) inFlight++;
      else if (h.visibleAt > now) waiting++;
      else visible++;
    }
    return { visible, inFlight, waiting, dead: this.dead.size };
  }

  /** No message waiting, visible or in flight (dead letters do not count). */
  isEmpty(): boolean {
    return this.pending.size === 0;
  }

  /** When the earliest invisible (not in flight) message becomes visible again. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const h of this.pending.values()) {
      if (h.receiptHandle === undefined && (next === undefined || h.visibleAt < next)) next = h.visibleAt;
    }
    return next;
  }

  /** Resolves on the next change (send, ack, failure, redrive), when a message becomes visible, or after `maxMs`. */
  waitForWork(maxMs: number): Promise<void> {
    const next = this.nextVisibleAt();
    const delay = Math.max(0, Math.min(maxMs, next === undefined ? maxMs : next - this.now()));
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.waiters.push(done);
    });
  }

  /** Wakes every waiter (also used on shutdown). */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  async close(): Promise<void> {
    this.notify();
    await this.log?.close();
    this.log = undefined;
  }
}

function plain(h: QueueMessage): QueueMessage {
  const m: QueueMessage = { messageId: h.messageId, body: h.body, sentTimestamp: h.sentTimestamp, receiveCount: h.receiveCount };
  if (h.firstReceiveTimestamp !== undefined) m.firstReceiveTimestamp = h.firstReceiveTimestamp;
  if (h.lastError !== undefined) m.lastError = h.lastError;
  return m;
}

function redriven(d: QueueMessage): QueueMessage {
  return { messageId: d.messageId, body: d.body, sentTimestamp: d.sentTimestamp, receiveCount: 0 };
}
