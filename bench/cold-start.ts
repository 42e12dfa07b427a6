import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

export const FUNCTIONS = ['ingest-webhook', 'apply-progress', 'register-event', 'aggregate-kpis', 'send-reminders', 'deliver-notification', 'query-api'] as const;

export interface ColdStart {
  name: string;
  bytes: number;
  initMs: number;
  baselineInitMs: number;
}

/** Bundled as infra/ bundles them: ESM, minified, node target, SDK included. */
async function bundle(entry: string, outfile: string): Promise<number> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
  });
  const out = Object.entries(result.metafile.outputs).find(([path]) => resolve(path) === resolve(outfile));
  if (!out) throw new Error(`no metafile output for ${outfile}`);
  return out[1].bytes;
}

/** Module init time in a fresh Node process (median of `runs`), with the environment a Lambda would have. */
function initMs(file: string, runs: number): number {
  const script = `const t=performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now()-t));`;
  const env = {
    ...process.env,
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    TABLE_NAME: 'bench',
    EVENT_BUS_NAME: 'bench',
    SOURCES_SECRET_ARN: 'arn:aws:secretsmanager:cn-north-1:000000000000:secret:sources',
    CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:cn-north-1:000000000000:secret:cursor',
    ROBOT_SECRET_ARN: 'arn:aws:secretsmanager:cn-north-1:000000000000:secret:robots',
    NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:cn-north-1:000000000000:notify',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`init of ${file} failed: ${r.stderr.slice(0, 500)}`);
    samples.push(Number(r.stdout));
  }
  samples.sort((a, b) => a - b);
  return Math.round(samples[Math.floor(samples.length / 2)]! * 100) / 100;
}

export async function benchColdStart(runs: number, progress: (msg: string) => void): Promise<ColdStart[]> {
  const dir = join(tmpdir(), `bench-cold-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const emptyEntry = join(dir, 'empty.ts');
    writeFileSync(emptyEntry, 'export const handler = async () => ({});\n');
    const emptyOut = join(dir, 'empty.mjs');
    await bundle(emptyEntry, emptyOut);
    const baselineInitMs = initMs(emptyOut, runs);
    const results: ColdStart[] = [];
    for (const name of FUNCTIONS) {
      const entry = resolve('functions', name, 'handler.ts');
      if (!existsSync(entry)) throw new Error(`missing ${entry}`);
      const out = join(dir, `${name}.mjs`);
      const bytes = await bundle(entry, out);
      results.push({ name, bytes, initMs: initMs(out, runs), baselineInitMs });
      progress(`cold start ${name}: ${bytes} bytes`);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
