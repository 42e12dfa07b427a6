import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * shared/ports holds contracts only: interfaces and types, nothing that runs. An implementation (a
 * clock, a registry, a schema, an error class) belongs beside its kind (shared/time/clocks.ts,
 * shared/ingest/sources.ts, shared/adapters/errors.ts …), so that a port file can be read as the
 * whole promise and nothing else. Checked on the syntax, so a runtime line fails here by name.
 */
const PORTS = join(import.meta.dirname, '../../shared/ports');

function runtimeStatements(name: string, text: string): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) continue;
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) continue;
    if (ts.isExportDeclaration(statement) && statement.isTypeOnly) continue;
    const { line } = source.getLineAndCharacterOfPosition(statement.getStart());
    found.push(`${name}:${line + 1}: ${statement.getText().split('\n')[0]}`);
  }
  return found;
}

describe('shared/ports', () => {
  const files = readdirSync(PORTS).filter((f) => f.endsWith('.ts'));

  it('has port files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)('%s declares interfaces and types only', (file) => {
    expect(runtimeStatements(file, readFileSync(join(PORTS, file), 'utf8'))).toEqual([]);
  });

  it('the check refuses runtime code', () => {
    const probe = [
      "import type { Clock } from './clock.js';",
      "import { fixedClock } from '../time/clocks.js';",
      'export interface Port { now(): Date }',
      "export type Kind = 'a' | 'b';",
      'export const systemClock = { now: () => new Date() };',
      'export function channelName(kind: string): string {',
      '  return kind;',
      '}',
      'export class BusPublishError extends Error {}',
      'export type { Clock };',
    ].join('\n');
    expect(runtimeStatements('probe.ts', probe)).toEqual([
      "probe.ts:2: import { fixedClock } from '../time/clocks.js';",
      'probe.ts:5: export const systemClock = { now: () => new Date() };',
      'probe.ts:6: export function channelName(kind: string): string {',
      'probe.ts:9: export class BusPublishError extends Error {}',
    ]);
  });
});
