/**
 * zod for the code that ships in the Lambda bundles: Zod Mini, with the English messages.
 * Import it as `import * as z from '<path>/zod.js'` (ESLint keeps `zod` out of bundled code).
 *
 * Why Mini: a classic schema carries every method (`.optional()`, `.toJSONSchema()`, …), so one
 * `import * as z from 'zod'` bundles all of zod, JSON Schema generation included: about 90 KiB of
 * every function. Mini's functions (`z.optional(s)`, `s.check(z.minLength(1))`) tree-shake, and its
 * schemas are the same core schemas: they parse alike, give the same issues and produce the same
 * JSON Schema (`npm run generate` is byte-identical). Scripts and tests may use classic zod on them.
 *
 * Why the locale here: Mini loads no messages by default, so a refused report would say only
 * "Invalid input". Every schema module imports zod from this file, so the messages counties read in
 * a 400 or 422 are set before any schema parses.
 *
 * Why `export *` and not `export { z }`: esbuild tree-shakes `z.string` through re-exported names,
 * but not through a namespace object passed on as a value (that bundles all of Mini: 360 KiB).
 */
import { clone, config, globalRegistry, type core } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

/**
 * Classic zod's `.meta()`: a copy of `schema` whose metadata (description, examples…) is in the
 * global registry, where `toJSONSchema` reads it. Not Mini's `.check(z.meta(…))`: that adds a check
 * that validates nothing, and `z.compile` stops at a check it does not know, so the field it sits on
 * (a report's `evidence`) would parse on the slow path.
 */
export function withMeta<T extends core.$ZodType>(schema: T, meta: core.GlobalMeta): T {
  const copy = clone(schema);
  globalRegistry.add(copy, meta);
  return copy;
}
