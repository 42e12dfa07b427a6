import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticSite } from '../../local/static.js';
import { PAGE_HEADERS, pageCsp } from '../../web/csp.js';
import { reasonText } from '../../web/src/format.js';
import { authorizeUrl, base64Url, codeChallenge, randomToken, tokenRequestBody } from '../../web/src/pkce.js';

describe('PKCE (RFC 7636, S256)', () => {
  it('derives the challenge of the RFC 7636 Appendix B example', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 base64url characters, different each time', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
    expect(base64Url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('-__-');
  });

  it('asks for a code with the S256 challenge, and exchanges it with the verifier and no secret', () => {
    const url = new URL(
      authorizeUrl('https://idp.example.gov.cn/realms/jn/protocol/openid-connect/auth?kc_idp_hint=x', {
        clientId: 'supervision',
        redirectUri: 'https://d1.cloudfront.net/',
        scopes: 'openid',
        state: 's1',
        challenge: 'c1',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      kc_idp_hint: 'x',
      response_type: 'code',
      client_id: 'supervision',
      redirect_uri: 'https://d1.cloudfront.net/',
      scope: 'openid',
      state: 's1',
      code_challenge: 'c1',
      code_challenge_method: 'S256',
    });
    expect(
      Object.fromEntries(
        tokenRequestBody({ code: 'k', redirectUri: 'https://d1.cloudfront.net/', clientId: 'supervision', verifier: 'v' }),
      ),
    ).toEqual({
      grant_type: 'authorization_code',
      code: 'k',
      redirect_uri: 'https://d1.cloudfront.net/',
      client_id: 'supervision',
      code_verifier: 'v',
    });
  });
});

describe("the page's CSP", () => {
  it('allows nothing inline and nothing from another origin, except the OIDC issuer for connect-src', () => {
    const csp = pageCsp();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-|https?:/);
    expect(pageCsp({ connectOrigins: ['https://idp.example.gov.cn'] })).toContain("connect-src 'self' https://idp.example.gov.cn;");
  });
});

describe("reasons for a light, in the office's words", () => {
  it("translates the rule engine's reasons and passes unknown ones through", () => {
    expect(reasonText('T05-M1 overdue since 2023-06-30')).toBe('节点T05-M1已于2023-06-30到期，尚未完成');
    expect(reasonText('task overdue since 2023-12-31')).toBe('事项已于2023-12-31到期，尚未完成');
    expect(reasonText('progress 10.1% behind expected 49.6%')).toBe('进度10.1%，落后于序时进度49.6%');
    expect(reasonText('T08-M1 due in 0 day(s)')).toBe('节点T08-M1今日到期');
    expect(reasonText('task due in 3 day(s)')).toBe('事项还有3天到期');
    expect(reasonText('all lead units completed')).toBe('牵头单位均已报告完成');
    expect(reasonText('stretch target missed')).toBe('stretch target missed');
  });
});

describe('local/static.ts', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const serve = (root: string) =>
    createServer((req, res) => {
      void staticSite(root)(req, res, new URL(req.url ?? '/', 'http://x').pathname).then((served) => {
        if (!served) res.writeHead(404).end('not found');
      });
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'web-static-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><html lang="zh-CN"></html>');
    await writeFile(join(dir, 'config.json'), '{"auth":{"mode":"token"}}');
    await writeFile(join(dir, 'assets', 'app-ABC123.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'not served');
    server = serve(dir);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page at / with the CSP and security headers, not cached', async () => {
    for (const path of ['/', '/index.html']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(pageCsp());
      for (const [k, v] of Object.entries(PAGE_HEADERS)) expect(res.headers.get(k), k).toBe(v);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('lang="zh-CN"');
    }
    expect((await fetch(`${url}/config.json`)).headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('serves hashed assets for a year, HEAD without a body', async () => {
    const res = await fetch(`${url}/assets/app-ABC123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const head = await fetch(`${url}/assets/app-ABC123.js`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('14');
    expect(await head.text()).toBe('');
  });

  it('serves nothing else: other files, other extensions, paths that climb out', async () => {
    for (const path of [
      '/secret.txt',
      '/assets/nope.js',
      '/assets/app.png',
      '/assets/..%2Fsecret.txt',
      '/assets/../secret.txt',
      '/assets/sub/app.js',
      '/nope',
    ]) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(404);
    }
  });

  it('says how to build the page when it has not been built', async () => {
    const empty = serve(join(dir, 'missing'));
    await new Promise<void>((r) => empty.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(empty.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:web');
      expect((await fetch(`${base}/assets/app-ABC123.js`)).status).toBe(404);
    } finally {
      await new Promise((r) => empty.close(r));
    }
  });
});
