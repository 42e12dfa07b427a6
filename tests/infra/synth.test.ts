import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultEntryFor, REPO_ROOT } from '../../infra/constructs/handler-function.js';
import { FUNCTION_NAMES } from '../../infra/functions.js';
import { unacknowledgedFindings, type ValidationReport } from './helpers.js';

const run = promisify(execFile);

/** The environment of a machine with no AWS account: no credentials, no profile, no instance metadata. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_') || key.startsWith('CDK_')) delete env[key];
  delete env.NODE_ENV;
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** The function's environment with every CloudFormation reference replaced by a plausible value. */
function dummyEnv(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [
      k,
      typeof v === 'string'
        ? v
        : k.endsWith('_ARN')
          ? `arn:aws-cn:service:cn-north-1:000000000000:${k.toLowerCase()}`
          : `dummy-${k.toLowerCase()}`,
    ]),
  );
}

describe('npx cdk synth (the real app, real handler entries, offline)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'supervision-cdk-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('has every handler entry the app bundles', () => {
    const missing = FUNCTION_NAMES.filter((name) => !existsSync(defaultEntryFor(name)));
    expect(missing, 'functions/<name>/handler.ts missing').toEqual([]);
  });

  it('synthesizes without credentials, Docker or network, with nothing unacknowledged', { timeout: 300_000 }, async () => {
    const result = await run('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
      cwd: REPO_ROOT,
      env: offlineEnv(),
      maxBuffer: 64 * 1024 * 1024,
    }).catch((e: { stdout?: string; stderr?: string; message: string }) => ({
      failed: e.message,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }));
    expect('failed' in result ? `${result.failed}\n${result.stderr}` : '').toBe('');

    const template = JSON.parse(readFileSync(join(outdir, 'SupervisionDev.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
    expect(unacknowledgedFindings(report)).toEqual([]);

    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_NAMES.length);
    for (const fn of functions) {
      const asset = join(outdir, `asset.${(fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`);
      expect(readdirSync(asset).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      // The ESM bundle (with its require shim for CommonJS dependencies) loads and exports `handler`.
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const loaded = await run(
        process.execPath,
        [
          '--no-warnings',
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(asset, 'index.mjs'))}); console.log(typeof m.handler);`,
        ],
        { cwd: tmpdir(), env: { ...offlineEnv(), ...dummyEnv(variables), AWS_REGION: 'cn-north-1' } },
      );
      expect(loaded.stdout.trim(), `${String(variables.POWERTOOLS_SERVICE_NAME)} bundle exports handler`).toBe('function');
      // The SDK's credential chain is replaced by the environment's credentials (infra/bundling.ts).
      const sources = (JSON.parse(readFileSync(join(asset, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources;
      if (sources.some((s) => s.includes('@aws-sdk/client-'))) {
        expect(
          sources.some((s) => s.includes('shared/adapters/aws/lambda-credentials.ts')),
          `${String(variables.POWERTOOLS_SERVICE_NAME)} credentials`,
        ).toBe(true);
        expect(sources.filter((s) => /credential-provider-(node|sso|ini|process)|nested-clients/.test(s))).toEqual([]);
      }
    }
  });
});
