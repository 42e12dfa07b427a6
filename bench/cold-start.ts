import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LAMBDA_BUNDLING } from '../infra/bundling.js';
import { TRACING_BY_DEFAULT } from '../infra/config.js';
import { FUNCTION_NAMES, entryOf } from '../infra/functions.js';

export interface ColdStart {
  name: string;
  /** The bundle as infra/ deploys it (the AWS SDK inside, minified). */
  bytes: number;
  initMs: number;
  baselineInitMs: number;
  /** What makes the bundle: the largest inputs by package (esbuild metafile). */
  largest: Array<{ input: string; bytes: number }>;
  /** The same function with the AWS SDK left out (taken from the runtime's node_modules): the alternative not taken. */
  sdkFromRuntime: { bytes: number; initMs: number };
}

/**
 * X-Ray tracing's cost per function: each bundled without and with the tracer (context `tracing`),
 * initialised in the same Lambda-like environment. CPU time of the init is the figure compared: on
 * a machine shared with other work the wall time of one init varies by more than the difference.
 */
export interface TracingColdStart {
  name: string;
  bytesOff: number;
  bytesOn: number;
  /** Medians of the init's CPU time (user + system) in the child, ms. */
  cpuMsOff: number;
  cpuMsOn: number;
  /** Medians of the init's wall time, ms. */
  wallMsOff: number;
  wallMsOn: number;
  /** cpuMsOn − cpuMsOff. */
  addedCpuMs: number;
}

/**
 * Bundled as infra/ bundles them (infra/bundling.ts: ESM, minified, module fields first, the Lambda
 * credential alias, tracing as deployed by default), for the Node that runs the bench. `sdkExternal`:
 * @aws-sdk/* left to the runtime.
 */
export async function bundle(
  entry: string,
  outfile: string,
  sdkExternal = false,
  tracing = TRACING_BY_DEFAULT,
): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: LAMBDA_BUNDLING.format,
    target: `node${process.versions.node.split('.')[0]}`,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    minify: LAMBDA_BUNDLING.minify,
    charset: LAMBDA_BUNDLING.charset,
    alias: LAMBDA_BUNDLING.alias(resolve('.')),
    define: LAMBDA_BUNDLING.define(tracing),
    external: sdkExternal ? ['@aws-sdk/*', ...LAMBDA_BUNDLING.external] : [...LAMBDA_BUNDLING.external],
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
  });
  const out = Object.entries(result.metafile.outputs).find(([path]) => resolve(path) === resolve(outfile));
  if (!out) throw new Error(`no metafile output for ${outfile}`);
  return { bytes: out[1].bytes, metafile: result.metafile };
}

/** Bytes in the output per package (or per folder of ours), largest first. */
function largest(metafile: Metafile, top = 8): Array<{ input: string; bytes: number }> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, v] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m ? m[1]! : path.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + v.bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([input, bytes]) => ({ input, bytes }));
}

/** What Lambda sets that the tracer and the X-Ray SDK read at load (they are inert without it). */
export const LAMBDA_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  LAMBDA_TASK_ROOT: '/var/task',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
};

/** The environment a function's bundle starts in: every variable its environment schema requires, then `extraEnv`. */
export function initEnv(extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
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
    ...extraEnv,
  };
}

/** Module init time in a fresh Node process (median of `runs`), with the environment a Lambda would have. */
function initMs(file: string, runs: number): number {
  const script = `const t=performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now()-t));`;
  const env = initEnv({});
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
  // Under node_modules/.cache, so that a bundle that leaves the SDK out finds it as it would in the runtime.
  const parent = resolve('node_modules', '.cache');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'bench-cold-'));
  try {
    const emptyEntry = join(dir, 'empty.ts');
    writeFileSync(emptyEntry, 'export const handler = async () => ({});\n');
    const emptyOut = join(dir, 'empty.mjs');
    await bundle(emptyEntry, emptyOut);
    const baselineInitMs = initMs(emptyOut, runs);
    const results: ColdStart[] = [];
    for (const name of FUNCTION_NAMES) {
      const entry = resolve(entryOf(name));
      if (!existsSync(entry)) throw new Error(`missing ${entry}`);
      const out = join(dir, `${name}.mjs`);
      const { bytes, metafile } = await bundle(entry, out);
      const outExternal = join(dir, `${name}.sdk-external.mjs`);
      const external = await bundle(entry, outExternal, true);
      results.push({
        name,
        bytes,
        initMs: initMs(out, runs),
        baselineInitMs,
        largest: largest(metafile),
        sdkFromRuntime: { bytes: external.bytes, initMs: initMs(outExternal, runs) },
      });
      progress(`cold start ${name}: ${bytes} bytes (${external.bytes} without the SDK)`);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each function bundled with and without the tracer and initialised alternately (off, on, off, …,
 * `runs` each) in the Lambda environment, so that both see the same machine load.
 */
export async function benchTracingColdStart(runs: number, progress: (msg: string) => void): Promise<TracingColdStart[]> {
  const parent = resolve('node_modules', '.cache');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'bench-tracing-'));
  try {
    const results: TracingColdStart[] = [];
    for (const name of FUNCTION_NAMES) {
      const entry = resolve(entryOf(name));
      const off = join(dir, `${name}-off.mjs`);
      const on = join(dir, `${name}-on.mjs`);
      const bytesOff = (await bundle(entry, off, false, false)).bytes;
      const bytesOn = (await bundle(entry, on, false, true)).bytes;
      const offSamples: Array<{ wallMs: number; cpuMs: number }> = [];
      const onSamples: Array<{ wallMs: number; cpuMs: number }> = [];
      for (let i = 0; i < runs; i++) {
        offSamples.push(initSample(off));
        onSamples.push(initSample(on));
      }
      const cpuMsOff = median(offSamples.map((x) => x.cpuMs));
      const cpuMsOn = median(onSamples.map((x) => x.cpuMs));
      const wallMsOff = median(offSamples.map((x) => x.wallMs));
      const wallMsOn = median(onSamples.map((x) => x.wallMs));
      results.push({ name, bytesOff, bytesOn, cpuMsOff, cpuMsOn, wallMsOff, wallMsOn, addedCpuMs: round2(cpuMsOn - cpuMsOff) });
      progress(`tracing ${name}: +${bytesOn - bytesOff} bytes, +${round2(cpuMsOn - cpuMsOff)} ms init CPU`);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One init of `file` in a fresh process with the Lambda environment: its wall and CPU time. */
function initSample(file: string): { wallMs: number; cpuMs: number } {
  const script = `const c=process.cpuUsage(); const t=performance.now(); await import(${JSON.stringify(file)}); const w=performance.now()-t; const u=process.cpuUsage(c); process.stdout.write(JSON.stringify({ wallMs: w, cpuMs: (u.user + u.system) / 1000 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: initEnv(LAMBDA_ENV), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`init of ${file} failed: ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout) as { wallMs: number; cpuMs: number };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return round2(sorted[Math.floor(sorted.length / 2)]!);
}

const round2 = (x: number) => Math.round(x * 100) / 100;
