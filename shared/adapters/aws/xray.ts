import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Tracing } from './tracing.js';

/**
 * Powertools Tracer (X-Ray). Responses are not recorded (`captureResponse: false`): they carry the
 * units' figures and reports, and a bulletin exceeds X-Ray's metadata limit; errors are.
 */
export function xrayTracing(service: string): Tracing {
  const tracer = new Tracer({ serviceName: service });
  return {
    capture: (client) => tracer.captureAWSv3Client(client as never),
    middlewares: [captureLambdaHandler(tracer, { captureResponse: false })],
  };
}
