/**
 * Builds the dashboard page (web/) into dist/web/ with the project's esbuild: one hashed JS bundle
 * (the page's TypeScript and ECharts from `echarts/core`), one hashed stylesheet, index.html and —
 * for the local runtime — config.json (token sign-in). `npm start` runs it before serving; the CDK
 * construct runs `buildWebSync` as its asset's local bundling (and writes its own config.json).
 *
 *   npx tsx scripts/build-web.ts [--out DIR]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readCommandLine } from './lib/cli.js';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { listPlans } from '../shared/plan/catalog.js';
import { WEB_DIST } from '../local/static.js';
import { CONFIG_FILE, type DashboardConfig } from '../web/config.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const WEB_SOURCE = join(ROOT, 'web');

export interface WebBuild {
  outDir: string;
  /** The entry's JS and CSS, relative to outDir. */
  js: string;
  css: string;
  /** Every JS and CSS file (the entry and the chunks the views load later). */
  files: string[];
  /** All of them, raw and gzipped (level 9), in bytes: the whole page, not only the first load. */
  bytes: number;
  gzipBytes: number;
}

/** The local runtime's settings: token sign-in, every plan of the catalog. */
export function localConfig(): DashboardConfig {
  return { plans: listPlans().map((p) => ({ planId: p.planId, title: p.title })), auth: { mode: 'token' } };
}

/** Synchronous, because CDK's local bundling (`ILocalBundling.tryBundle`) is. */
export function buildWebSync(outDir: string = WEB_DIST, options: { config?: DashboardConfig | null } = {}): WebBuild {
  rmSync(outDir, { recursive: true, force: true });
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [join(WEB_SOURCE, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'safari15', 'firefox100'],
    minify: true,
    legalComments: 'eof',
    entryNames: 'app-[hash]',
    // The views with charts (and ECharts) in chunks of their own: 总览 loads without them.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outdir: assets,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs).map(([p, o]) => ({ path: join(ROOT, p), entry: o.entryPoint !== undefined }));
  const js = outputs.find((o) => o.entry && o.path.endsWith('.js'))?.path;
  const css = outputs.find((o) => o.path.endsWith('.css'))?.path;
  if (!js || !css) throw new Error(`esbuild produced no entry JS or CSS: ${outputs.map((o) => o.path).join(', ')}`);
  const rel = (p: string) => relative(outDir, p).split('\\').join('/');
  const html = readFileSync(join(WEB_SOURCE, 'index.html'), 'utf8').replace('%APP_JS%', rel(js)).replace('%APP_CSS%', rel(css));
  writeFileSync(join(outDir, 'index.html'), html);
  const config = options.config === undefined ? localConfig() : options.config;
  if (config) writeFileSync(join(outDir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  const files = outputs.map((o) => o.path).filter((p) => /\.(js|css)$/.test(p));
  const contents = files.map((f) => readFileSync(f));
  return {
    outDir,
    js: rel(js),
    css: rel(css),
    files: files.map(rel),
    bytes: contents.reduce((s, b) => s + b.length, 0),
    gzipBytes: contents.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0),
  };
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(invokedPath).href) {
  const args = readCommandLine({
    command: 'npm run build:web --',
    summary: 'Builds the dashboard page (web/) into dist/web/: hashed JS and CSS, index.html and a token-mode config.json.',
    options: { out: { type: 'string' } },
    optionHelp: [['--out <dir>', `where to write the page (default ${relative(ROOT, WEB_DIST)})`]],
  });
  const build = buildWebSync(args.out ?? WEB_DIST);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.error(
    `[build-web] ${relative(ROOT, build.outDir) || '.'}: ${build.files.map((f) => basename(f)).join(', ')}; JS + CSS ${kib(build.bytes)}, ${kib(build.gzipBytes)} gzipped`,
  );
}
