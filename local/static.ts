import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_HEADERS, pageCsp } from '../web/csp.js';

/** Where `scripts/build-web.ts` writes the page and the local runtime serves it from. */
export const WEB_DIST = fileURLToPath(new URL('../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/** A built asset's name: hashed, flat, nothing that could climb out of the folder. */
const ASSET = /^\/assets\/([\w-]+\.(js|css|txt))$/;

export type StaticSite = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/**
 * The dashboard page on the runtime's own port: `GET /` (and `/index.html`), `/config.json` and the
 * hashed files under `/assets/`, with the page's CSP and security headers. Answers `true` when it
 * served the path; anything else is left to the caller (which answers 404).
 */
export function staticSite(dir: string = WEB_DIST): StaticSite {
  const headers = { 'content-security-policy': pageCsp(), ...PAGE_HEADERS };
  return async (req, res, path) => {
    let file: string;
    let cache: string;
    if (path === '/' || path === '/index.html') {
      file = 'index.html';
      cache = 'no-cache';
    } else if (path === '/config.json') {
      file = 'config.json';
      cache = 'no-cache';
    } else {
      const m = ASSET.exec(path);
      if (!m?.[1]) return false;
      file = join('assets', m[1]);
      // The name carries the content hash: a changed file has a new name.
      cache = 'public, max-age=31536000, immutable';
    }
    let body: Buffer;
    try {
      body = await readFile(join(dir, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (file !== 'index.html') return false;
      res
        .writeHead(503, { 'content-type': TYPES.txt!, 'cache-control': 'no-store', ...headers })
        .end('页面尚未构建：请运行 npm run build:web（npm start 会先构建）。\n');
      return true;
    }
    const ext = file.slice(file.lastIndexOf('.') + 1);
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'cache-control': cache,
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
