import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from '../shared/zod.js';
import type { Clock } from '../shared/ports/clock.js';
import { SCHEDULES, type QueueName, type ScheduleName } from '../shared/routing.js';
import { errorBody, writeJson } from './http-event.js';
import type { OutboxReader } from './outbox-reader.js';
import type { LocalQueue } from './queue.js';
import { NotWiredError } from './errors.js';
import type { JobEvent } from './registry.js';

const JobBody = z.looseObject({ now: z.optional(z.iso.datetime({ offset: true })) });

export interface AdminOptions {
  queues: Record<QueueName, LocalQueue>;
  clock: Clock;
  outbox: OutboxReader;
  drainTimeoutMs: number;
  isAuthorized: (headers: Record<string, string | undefined>) => boolean;
  runJob: (name: ScheduleName, event: JobEvent) => Promise<unknown>;
  /** Waits until every queue is empty, no job runs and the stream relay has caught up; false on timeout. */
  drain: () => Promise<boolean>;
  status: () => Record<string, unknown>;
  log: (line: string) => void;
}

export type AdminApi = (req: IncomingMessage, res: ServerResponse, path: string, body: Buffer) => Promise<void>;

/**
 * The local runtime's own API under `/v1/admin/` (no AWS counterpart; behind the same bearer token):
 * run a job now, drain, the outbox, the dead letters and their redrive, the status.
 */
export function adminApi(options: AdminOptions): AdminApi {
  const { queues, clock, outbox, drainTimeoutMs, isAuthorized, runJob, drain, status, log } = options;
  const queueNames = Object.keys(queues) as QueueName[];
  return async function admin(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> {
    if (!isAuthorized(req.headers as Record<string, string | undefined>)) {
      return writeJson(res, 401, errorBody('unauthorized', 'a valid bearer token is required'), { 'www-authenticate': 'Bearer' });
    }
    const method = req.method ?? 'GET';
    const job = /^\/v1\/admin\/jobs\/([^/]+)$/.exec(path)?.[1];
    if (method === 'POST' && job !== undefined) {
      if (!(job in SCHEDULES))
        return writeJson(res, 404, errorBody('not_found', `no job ${job}; jobs: ${Object.keys(SCHEDULES).join(', ')}`));
      let parsed: z.infer<typeof JobBody>;
      try {
        parsed = JobBody.parse(body.length > 0 ? JSON.parse(body.toString('utf8')) : {});
      } catch {
        return writeJson(
          res,
          400,
          errorBody('invalid_request', 'body must be a JSON object, e.g. {} or { "now": "<ISO-8601 instant with offset>" }'),
        );
      }
      const now = parsed.now ?? clock.now().toISOString();
      try {
        const summary = await runJob(job as ScheduleName, { ...parsed, now });
        return writeJson(res, 200, { job, now, summary: summary ?? null });
      } catch (err) {
        if (err instanceof NotWiredError) return writeJson(res, 501, errorBody('not_implemented', err.message));
        log(`job ${job} failed: ${err instanceof Error ? err.stack : String(err)}`);
        return writeJson(res, 500, errorBody('job_failed', err instanceof Error ? err.message : String(err)));
      }
    }
    if (method === 'POST' && path === '/v1/admin/drain') {
      if (await drain()) return writeJson(res, 200, { drained: true, ...status() });
      return writeJson(res, 504, { ...errorBody('drain_timeout', `queues not empty after ${drainTimeoutMs} ms`), ...status() });
    }
    if (method === 'GET' && path === '/v1/admin/outbox') return writeJson(res, 200, { items: await outbox.list() });
    if (method === 'GET' && path === '/v1/admin/dlq') {
      const byQueue = Object.fromEntries(
        queueNames.map((n) => [
          n,
          queues[n].deadLetters().map((d) => ({
            messageId: d.messageId,
            reason: d.reason,
            receiveCount: d.receiveCount,
            sentAt: new Date(d.sentTimestamp).toISOString(),
            deadAt: new Date(d.deadAt).toISOString(),
            message: parseOr(d.body),
          })),
        ]),
      );
      return writeJson(res, 200, { queues: byQueue, total: Object.values(byQueue).reduce((s, l) => s + l.length, 0) });
    }
    if (method === 'POST' && path === '/v1/admin/dlq/redrive') {
      let moved = 0;
      for (const n of queueNames) moved += await queues[n].redrive();
      if (moved > 0) log(`redrove ${moved} dead letter(s)`);
      return writeJson(res, 200, { moved });
    }
    if (method === 'GET' && path === '/v1/admin/status') return writeJson(res, 200, status());
    return writeJson(res, 404, errorBody('not_found', `no admin route ${method} ${path}`));
  };
}

function parseOr(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
