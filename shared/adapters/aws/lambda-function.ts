import middy, { type MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { FunctionName } from '../../../infra/functions.js';
import { parseFunctionEnv, type FunctionEnv } from '../../config/env.js';
import { loadTracing, type Tracing } from './tracing.js';

/**
 * What every Lambda's `handler.ts` starts with, said once: its environment parsed against its
 * schema (shared/config/env.ts: a cold start fails with every problem named, not at first use), its
 * tracing (off unless bundled on), its Powertools logger named after it, and `wrap`, which puts the
 * middlewares around the app in one order: tracing, then the logger's Lambda context, then whatever
 * the function adds (its metrics' flush). Metrics are the caller's, so that a function that counts
 * nothing does not bundle Powertools Metrics.
 */
export async function lambdaFunction<N extends FunctionName>(name: N) {
  const env: FunctionEnv<N> = parseFunctionEnv(name, process.env);
  // X-Ray, when the stack is bundled with tracing on (CDK context `tracing`); otherwise not even in the bundle.
  const tracing: Tracing = await loadTracing(name);
  const logger = new Logger({ serviceName: name });
  const wrap = <TEvent, TResult>(app: (event: TEvent, context: Context) => Promise<TResult>, ...extra: MiddlewareObj[]) =>
    middy(app).use(tracing.middlewares).use(injectLambdaContext(logger)).use(extra);
  return { env, tracing, logger, wrap };
}
