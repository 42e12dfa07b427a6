import { readJsonLines } from './append-log.js';

/** What `GET /v1/admin/outbox` lists: the notifications the local notifier delivered, oldest first. */
export interface OutboxReader {
  list(): Promise<unknown[]>;
}

/** Reads the outbox file (one notification per line, appended in delivery order). */
export function jsonLinesOutbox(path: string): OutboxReader {
  return { list: async () => (await readJsonLines(path)).entries };
}
