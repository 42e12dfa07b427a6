import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../bench/cold-start.js';
import { LAMBDA_BUNDLING } from '../../infra/bundling.js';
import { FUNCTION_NAMES, entryOf } from '../../infra/functions.js';

/**
 * What must never be in a function: classic zod (every schema method and the JSON Schema generator;
 * bundled code uses Zod Mini through shared/zod.ts) and the packages whose data or output we
 * generate at build time or only read in tests (the holiday calendar, exceljs).
 */
const NEVER_BUNDLED = [/node_modules\/zod\/v4\/classic\//, /node_modules\/chinese-days\//, /node_modules\/exceljs\//];

/**
 * The modules left out of the bundles (infra/bundling.ts `external`) must be ones the bundle reaches
 * only through a dynamic `import()`: a static import of one would fail every cold start.
 */
const dir = mkdtempSync(join(tmpdir(), 'bundles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Lambda bundles (as infra/ deploys them)', () => {
  it.each(FUNCTION_NAMES)(
    '%s: no classic zod, calendar package or exceljs; what it leaves out is imported only dynamically',
    async (name) => {
      const out = join(dir, `${name}.mjs`);
      const { metafile } = await bundle(resolve(entryOf(name)), out);
      const code = readFileSync(out, 'utf8');
      const inputs = Object.keys(metafile.inputs);
      for (const never of NEVER_BUNDLED)
        expect(
          inputs.filter((p) => never.test(p)),
          `${name} bundles ${never.source}`,
        ).toEqual([]);
      const outsideImports = Object.values(metafile.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path));
      for (const i of outsideImports) {
        expect(LAMBDA_BUNDLING.external, `${name} imports ${i.path} from outside the bundle`).toContain(i.path);
        expect(i.kind, `${name} imports ${i.path} ${i.kind}`).toBe('dynamic-import');
      }
      for (const specifier of LAMBDA_BUNDLING.external) {
        const quoted = new RegExp(`["'\`]${specifier.replace(/[/.]/g, '\\$&')}["'\`]`, 'g');
        const all = code.match(quoted)?.length ?? 0;
        const dynamic = code.match(new RegExp(`import\\(${quoted.source}\\)`, 'g'))?.length ?? 0;
        expect(all, `${name}: every mention of ${specifier} is a dynamic import()`).toBe(dynamic);
      }
    },
    60_000,
  );
});
