import { request } from 'node:http';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveApiToken, resolveOfficeToken, resolveTokens } from '../../local/api-token.js';
import { SameTokenError } from '../../local/errors.js';
import { allowedHost } from '../../local/host-check.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { fixedClock } from '../../shared/time/clocks.js';

let dataDir: string;
let runtime: Runtime | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-guard-'));
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** A GET with an arbitrary Host header (fetch would not let us set it). */
function getWithHost(port: number, path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (host !== undefined) headers.host = host;
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local runtime: DNS rebinding guard', () => {
  it('allows the loopback names, with or without the listening port, and nothing else', () => {
    for (const h of ['localhost', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST:3000'])
      expect(allowedHost(h, 3000)).toBe(true);
    for (const h of [
      undefined,
      '',
      'evil.example',
      'evil.example:3000',
      'localhost:3001',
      'localhost.evil.example',
      '127.0.0.1.nip.io:3000',
      '0.0.0.0:3000',
    ]) {
      expect(allowedHost(h, 3000)).toBe(false);
    }
  });

  it('refuses a request addressed to another name before routing (403 host_not_allowed), serves the loopback one', async () => {
    runtime = await startRuntime(
      {
        port: 0,
        dataDir,
        apiToken: 'a-token-for-the-test',
        clock: fixedClock('2023-06-01T01:00:00Z'),
        schedules: false,
        log: () => undefined,
      },
      () => ({}),
    );
    const rebound = await getWithHost(runtime.port, '/health', `evil.example:${runtime.port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ error: { code: 'host_not_allowed' } });
    expect((await getWithHost(runtime.port, '/health', `127.0.0.1:${runtime.port}`)).status).toBe(200);
    expect((await getWithHost(runtime.port, '/health', `localhost:${runtime.port}`)).status).toBe(200);
  });
});

describe('local runtime: API token', () => {
  it('uses API_TOKEN when set', async () => {
    expect(await resolveApiToken('from-env', dataDir)).toEqual({ token: 'from-env', origin: 'env' });
  });

  it('without API_TOKEN, generates a random token, keeps it private in DATA_DIR and reuses it on the next start', async () => {
    const first = await resolveApiToken(undefined, dataDir);
    expect(first.origin).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.token).not.toBe('dev-token');
    expect((await readFile(join(dataDir, 'api-token'), 'utf8')).trim()).toBe(first.token);
    expect((await stat(join(dataDir, 'api-token'))).mode & 0o777).toBe(0o600);
    expect(await resolveApiToken(undefined, dataDir)).toMatchObject({ token: first.token, origin: 'file' });
    const other = await mkdtemp(join(tmpdir(), 'local-guard-'));
    try {
      expect((await resolveApiToken(undefined, other)).token).not.toBe(first.token);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('replaces a kept token that is too short to be a secret', async () => {
    await writeFile(join(dataDir, 'api-token'), 'dev-token\n');
    const t = await resolveApiToken(undefined, dataDir);
    expect(t.origin).toBe('generated');
    expect(t.token).not.toBe('dev-token');
  });
});

describe('local runtime: office token (OFFICE_TOKEN)', () => {
  it('uses OFFICE_TOKEN when set; otherwise a random one kept apart from the read token in DATA_DIR/office-token', async () => {
    expect(await resolveOfficeToken('office-from-env', dataDir)).toEqual({ token: 'office-from-env', origin: 'env' });
    const { api, office } = await resolveTokens({}, dataDir);
    expect(office.origin).toBe('generated');
    expect(office.token).not.toBe(api.token);
    expect((await readFile(join(dataDir, 'office-token'), 'utf8')).trim()).toBe(office.token);
    expect((await stat(join(dataDir, 'office-token'))).mode & 0o777).toBe(0o600);
    expect((await resolveTokens({}, dataDir)).office).toMatchObject({ token: office.token, origin: 'file' });
  });

  it('refuses one token for both roles', async () => {
    await expect(resolveTokens({ apiToken: 'same-token-123456', officeToken: 'same-token-123456' }, dataDir)).rejects.toBeInstanceOf(
      SameTokenError,
    );
  });
});
