import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadTracing } from '../../shared/adapters/aws/tracing.js';
import { xrayTracing } from '../../shared/adapters/aws/xray.js';

const middlewareNames = (client: SNSClient) => client.middlewareStack.identify().join(' ');

afterEach(() => vi.unstubAllEnvs());

describe('tracing', () => {
  it('off (unbundled, or a bundle made with tracing off): the client untouched, no middleware', async () => {
    const tracing = await loadTracing('query-api');
    const client = new SNSClient({ region: 'cn-north-1' });
    expect(tracing.capture(client)).toBe(client);
    expect(middlewareNames(client)).not.toMatch(/XRay/i);
    expect(tracing.middlewares).toEqual([]);
  });

  it('on in Lambda: the AWS client records its calls, and the invocation gets its middleware', () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'query-api');
    const tracing = xrayTracing('query-api');
    const client = tracing.capture(new SNSClient({ region: 'cn-north-1' }));
    expect(middlewareNames(client)).toMatch(/XRaySDKInstrumentation/);
    expect(tracing.middlewares).toHaveLength(1);
    expect(Object.keys(tracing.middlewares[0]!).sort()).toEqual(['after', 'before', 'onError']);
  });
});
