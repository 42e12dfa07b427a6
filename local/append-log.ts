import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

interface Pending {
  line: string;
  durable: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * An append-only JSON-lines file with group commit: appends queued while a write is in progress go
 * out together, followed by one `fdatasync` when any of them asked to be durable. Appends are
 * written in call order.
 */
export class AppendLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  static async open(path: string): Promise<AppendLog> {
    return new AppendLog(path, await open(path, 'a'));
  }

  /** Resolves once the entry is written (and, when `durable`, synced to disk). */
  append(entry: unknown, durable: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`append log ${this.path} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(entry)}\n`, durable, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        try {
          await this.fh.write(group.map((p) => p.line).join(''));
          if (group.some((p) => p.durable)) await this.fh.datasync();
          for (const p of group) p.resolve();
        } catch (err) {
          for (const p of group) p.reject(err);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
    await this.fh.datasync();
    await this.fh.close();
  }
}

/** Every parsable line of a JSON-lines file (a torn last line from a crash is skipped); [] when absent. */
export async function readJsonLines(path: string): Promise<{ entries: unknown[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: 0 };
    throw err;
  }
  const entries: unknown[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line));
    } catch {
      skipped++;
    }
  }
  return { entries, skipped };
}

/** Atomically replaces `path` with these lines: write a temp file, fsync, rename, fsync the directory. */
export async function rewriteJsonLines(path: string, entries: readonly unknown[]): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
