import { join } from 'node:path';

/**
 * How every function is bundled for Lambda (infra/constructs/handler-function.ts), and how
 * `npm run bench` bundles them to measure what is deployed (bench/cold-start.ts): one definition.
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  /** Constants replaced at bundle time: the X-Ray tracer is in the bundle only with tracing on (shared/adapters/aws/tracing.ts). */
  define: (tracing: boolean): Record<string, string> => ({ 'process.env.SUPERVISION_TRACING': JSON.stringify(tracing ? 'on' : 'off') }),
  /** Modules replaced in the Lambda bundles (see each replacement's own comment). */
  alias: (repoRoot: string): Record<string, string> => ({
    '@aws-sdk/credential-provider-node': join(repoRoot, 'shared', 'adapters', 'aws', 'lambda-credentials.ts'),
  }),
} as const;
