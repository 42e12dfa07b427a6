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
  /**
   * Strings as UTF-8, not \uXXXX escapes: the plan, the reminders and the error messages are Chinese,
   * and an escaped CJK character takes 6 bytes against 3 (about 17–20 KiB per function). Lambda and
   * Node read the file as UTF-8.
   */
  charset: 'utf8',
  /** Constants replaced at bundle time: the X-Ray tracer is in the bundle only with tracing on (shared/adapters/aws/tracing.ts). */
  define: (tracing: boolean): Record<string, string> => ({ 'process.env.SUPERVISION_TRACING': JSON.stringify(tracing ? 'on' : 'off') }),
  /** Modules replaced in the Lambda bundles (see each replacement's own comment). */
  alias: (repoRoot: string): Record<string, string> => ({
    '@aws-sdk/credential-provider-node': join(repoRoot, 'shared', 'adapters', 'aws', 'lambda-credentials.ts'),
  }),
} as const;
