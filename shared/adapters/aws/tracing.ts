import type { MiddlewareObj } from '@middy/core';

/** X-Ray tracing of one function: its AWS clients and its invocations. */
export interface Tracing {
  /** The client, its calls recorded as subsegments (the same client when tracing is off). */
  capture<C>(client: C): C;
  /** A subsegment per invocation with the cold start and the error, if any (none when off: middy refuses an empty one). */
  readonly middlewares: MiddlewareObj[];
}

const OFF: Tracing = { capture: (client) => client, middlewares: [] };

/**
 * The tracing of a function, on only in a bundle made with tracing on (CDK context `tracing`, see
 * infra/constructs/handler-function.ts). esbuild replaces `process.env.SUPERVISION_TRACING` with
 * the constant of the bundle, so with tracing off the comparison is false at bundle time and the
 * tracer with the X-Ray SDK (~128 KB) is not in the bundle at all: nothing to load at cold start.
 * Unbundled (the local runtime, tests) the variable is unset: off.
 */
export const loadTracing = async (service: string): Promise<Tracing> =>
  process.env.SUPERVISION_TRACING === 'on' ? (await import('./xray.js')).xrayTracing(service) : OFF;
