import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from './errors.js';

/** API Gateway's limit is larger; ours (256 KiB) is the webhook contract's. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads a request body up to `limit` bytes. A declared `content-length` over the limit is refused
 * before reading anything; a stream that grows past it is refused as soon as it does, without
 * buffering the rest.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new PayloadTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.off('data', onData);
        chunks.length = 0;
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.once('error', (err) => {
      if (!done) reject(err);
    });
  });
}

/**
 * After refusing a body: let the client finish sending (so it can read the 413) without keeping any
 * of it, but cut the connection if it goes on past `cap` bytes.
 */
export function discardBody(req: IncomingMessage, cap = 4 * MAX_BODY_BYTES): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > cap) req.socket.destroy();
  });
  req.resume();
}
