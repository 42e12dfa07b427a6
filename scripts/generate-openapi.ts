/**
 * Writes the OpenAPI 3.1 document of the HTTP API to `docs/openapi.json`, generated from the zod
 * schemas (shared/api/, events/schemas.ts). Run it after changing a route or a contract:
 *
 *   npx tsx scripts/generate-openapi.ts
 *
 * tests/unit/openapi.test.ts compares `renderOpenApiJson()` with the committed file, so a stale file
 * fails the suite. The query API serves the same text at `GET /v1/openapi.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderOpenApiJson } from '../shared/api/openapi.js';
import { readCommandLine } from './lib/cli.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

export function writeOpenApi(file: string = OPENAPI_FILE): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderOpenApiJson());
  return file;
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(invokedPath).href) {
  readCommandLine({
    command: 'npx tsx scripts/generate-openapi.ts',
    summary: 'Writes the OpenAPI 3.1 document of the HTTP API (from the zod schemas) to docs/openapi.json. Part of `npm run generate`.',
    options: {},
    optionHelp: [],
  });
  console.log(`wrote ${writeOpenApi()}`);
}
