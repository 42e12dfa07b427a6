import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSources, readConfig } from '../../local/config.js';

describe('readConfig', () => {
  it('has the documented defaults', () => {
    const c = readConfig({});
    expect(c).toEqual({
      port: 3000,
      dataDir: resolve('.data'),
      sourcesFile: resolve('config/sources.local.json'),
      faults: {},
      visibilityTimeoutMs: 2000,
      consumerConcurrency: 4,
      tableName: 'supervision',
      rateLimit: { ratePerSecond: 20, burst: 40 },
    });
  });

  it('reads the environment', () => {
    const c = readConfig({
      PORT: '4000',
      DATA_DIR: '/tmp/x',
      API_TOKEN: 't',
      CLOCK: '2023-10-09T09:00:00+08:00',
      FAULTS: 'dynamodb:0.2',
      SOURCE_RATE_PER_SECOND: '0',
    });
    expect(c).toMatchObject({ port: 4000, dataDir: '/tmp/x', apiToken: 't', faults: { dynamodb: 0.2 } });
    expect(c.clockStart?.toISOString()).toBe('2023-10-09T01:00:00.000Z');
    expect(c.rateLimit).toBeUndefined();
  });

  it.each([
    { PORT: 'abc' },
    { PORT: '70000' },
    { CLOCK: 'tomorrow' },
    { CLOCK: '2023-13-45T00:00:00Z' },
    { FAULTS: 'dynamodb=0.2' },
    { VISIBILITY_TIMEOUT_MS: '1.5' },
    { CONSUMER_CONCURRENCY: '0' },
  ])('refuses %o with a ConfigError', (env) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
  });
});

describe('loadSources', () => {
  it('reads the committed dev sources file: real counties and offices, marked dev-only', async () => {
    const sources = await loadSources(resolve('config/sources.local.json'));
    const byId = Object.fromEntries(sources.map((s) => [s.sourceId, s.orgIds]));
    expect(byId).toMatchObject({
      rencheng: ['370811'],
      qufu: ['370881'],
      'mass-sports': ['jn-mass-sports'],
      'lottery-center': ['jn-lottery-center'],
    });
    const raw = JSON.parse(await readFile('config/sources.local.json', 'utf8')) as { $comment: string };
    expect(raw.$comment).toMatch(/DEV-ONLY/);
  });

  it('names what is wrong without echoing secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-config-'));
    try {
      const path = join(dir, 'sources.json');
      await writeFile(
        path,
        JSON.stringify({
          sources: [{ sourceId: 'x1', orgIds: ['370811'], secrets: ['not-a-secret-value'], types: ['progress.submitted'] }],
        }),
      );
      const err = await loadSources(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('sources.0.secrets.0');
      expect((err as Error).message).not.toContain('not-a-secret-value');
      await writeFile(path, '{ nope');
      await expect(loadSources(path)).rejects.toThrow(/not JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
