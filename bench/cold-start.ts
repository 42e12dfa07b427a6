import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { TRACING_BY_DEFAULT } from '../infra/config.js';

export const FUNCTIONS = ['ingest-webhook', 'apply-progress', 'register-event', 'aggregate-kpis', 'send-reminders', 'deliver-notification', 'query-api'] as const;

export interface ColdStart {
  name: string;
  bytes: number;
  initMs: number;
  baselineInitMs: number;
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

/** Bundled as infra/ bundles them: ESM, minified, node target, SDK included, tracing as deployed by default. */
async function bundle(entry: string, outfile: string, tracing = TRACING_BY_DEFAULT): Promise<number> {
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
    // As infra/constructs/handler-function.ts: the tracer is in the bundle only with tracing on.
    define: { 'process.env.SUPERVISION_TRACING': JSON.stringify(tracing ? 'on' : 'off') },
  });
  const out = Object.entries(result.metafile.outputs).find(([path]) => resolve(path) === resolve(outfile));
  if (!out) throw new Error(`no metafile output for ${outfile}`);
  return out[1].bytes;
}

/** What Lambda sets that the tracer and the X-Ray SDK read at load (they are inert without it). */
const LAMBDA_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  LAMBDA_TASK_ROOT: '/var/task',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
};

function initEnv(extraEnv: Record<string, string>): NodeJS.ProcessEnv {
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

/**
 * Each function bundled with and without the tracer and initialised alternately (off, on, off, …,
 * `runs` each) in the Lambda environment, so that both see the same machine load.
 */
export async function benchTracingColdStart(runs: number, progress: (msg: string) => void): Promise<TracingColdStart[]> {
  const dir = join(tmpdir(), `bench-tracing-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const results: TracingColdStart[] = [];
    for (const name of FUNCTIONS) {
      const entry = resolve('functions', name, 'handler.ts');
      const off = join(dir, `${name}-off.mjs`);
      const on = join(dir, `${name}-on.mjs`);
      const bytesOff = await bundle(entry, off, false);
      const bytesOn = await bundle(entry, on, true);
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
