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
  /**
   * Left out of the bundles: modules the AWS SDK reaches only through a dynamic `import()` that no
   * function of ours ever runs, so nothing loads them, at init or later (19 KiB of every function).
   * - `@smithy/core/event-streams`: the event-stream codec, for operations that stream (Kinesis
   *   SubscribeToShard, Bedrock, Transcribe …); DynamoDB, EventBridge, SNS and Secrets Manager have none.
   * - `bowser`: the browser user-agent parser of `@aws-sdk/core`; in Node the SDK reads `process`.
   * A call that needed one would fail with "Cannot find package", not misbehave.
   * tests/infra/bundles.test.ts checks that each is only ever imported dynamically.
   */
  external: ['@smithy/core/event-streams', 'bowser'],
  /** Modules replaced in the Lambda bundles (see each replacement's own comment). */
  alias: (repoRoot: string): Record<string, string> => ({
    '@aws-sdk/credential-provider-node': join(repoRoot, 'shared', 'adapters', 'aws', 'lambda-credentials.ts'),
  }),
} as const;
