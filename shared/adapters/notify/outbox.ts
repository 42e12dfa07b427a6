import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReminderDueDetail, ReminderKind } from '../../../events/schemas.js';
import type { DeliveryChannel, Notifier } from '../../ports/notifier.js';

export interface OutboxEntry {
  /** The digest id. */
  id: string;
  channel: 'outbox';
  orgId: string;
  /** `taskId` and `dueDate` for items about a task; `period` for the plan's own (the bulletin). */
  items: Array<{ kind: ReminderKind; taskId?: string; milestoneId?: string; dueDate?: string; period?: string }>;
  text: string;
  sentAt: string;
}

/**
 * The local runtime's channel: keeps what would have been sent, oldest first, optionally appended
 * to a JSONL file so that it survives a restart (the file is read back on construction).
 */
export class OutboxNotifier implements Notifier {
  private readonly entries: OutboxEntry[] = [];
  /** File appends, one after another, in send order. */
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly options: { file?: string; now?: () => Date } = {}) {
    const file = options.file;
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim()) this.entries.push(JSON.parse(line) as OutboxEntry);
      }
    }
  }

  async send(channel: DeliveryChannel, digest: ReminderDueDetail): Promise<void> {
    if (channel.kind !== 'outbox') throw new TypeError(`OutboxNotifier cannot send through ${channel.kind}`);
    const entry: OutboxEntry = {
      id: digest.digestId,
      channel: 'outbox',
      orgId: digest.orgId,
      items: digest.items.map((i) => ({
        kind: i.kind,
        ...(i.taskId ? { taskId: i.taskId } : {}),
        ...(i.milestoneId ? { milestoneId: i.milestoneId } : {}),
        ...(i.dueDate ? { dueDate: i.dueDate } : {}),
        ...(i.taskId ? {} : i.period ? { period: i.period } : {}),
      })),
      text: digest.text,
      sentAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
    const file = this.options.file;
    if (file) {
      const write = this.writes.then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(entry)}\n`, 'utf8');
      });
      this.writes = write.catch(() => undefined);
      await write;
    }
    this.entries.push(entry);
  }

  /** Every entry, oldest first. */
  list(): OutboxEntry[] {
    return [...this.entries];
  }
}
