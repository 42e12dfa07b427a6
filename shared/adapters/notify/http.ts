import type { HttpClient } from '../../ports/notifier.js';
import { RobotUnreachableError } from '../errors.js';

/** The HTTP port on Node's global `fetch`, with a timeout. Errors carry no URL (robot URLs are secrets). */
export function fetchHttpClient(timeoutMs = 10_000): HttpClient {
  return {
    async postJson(url, body) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new RobotUnreachableError(`robot request failed: ${err instanceof Error ? err.name : 'unknown error'}`);
      }
      const text = await res.text();
      let json: unknown = undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, json };
    },
  };
}
