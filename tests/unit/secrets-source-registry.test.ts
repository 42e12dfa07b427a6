import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsSourceRegistry } from '../../shared/adapters/aws/secrets-source-registry.js';
import { fixedSecret, source } from '../helpers/webhooks.js';

const SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:000000000000:secret:webhook-sources-AbCdEf';
const SECRET = fixedSecret('rencheng-secret');
const NEXT = fixedSecret('rencheng-secret-next');
const TTL = 60_000;

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'cn-north-1' });

function secretString(sources: unknown[]): { SecretString: string } {
  return { SecretString: JSON.stringify({ sources }) };
}

/** A registry on a fake clock. */
function registry(start = 1_000_000) {
  const clock = { t: start };
  return { registry: new SecretsSourceRegistry(client, SECRET_ARN, TTL, () => clock.t), clock };
}

beforeEach(() => sm.reset());

describe('SecretsSourceRegistry', () => {
  it('reads the sources from the secret it was given', async () => {
    sm.on(GetSecretValueCommand).resolves(
      secretString([source({ secrets: [SECRET] }), source({ sourceId: 'qufu', orgIds: ['370881'], secrets: [NEXT] })]),
    );
    const { registry: r } = registry();
    expect(await r.get('rencheng')).toEqual(source({ secrets: [SECRET] }));
    expect((await r.get('qufu'))?.orgIds).toEqual(['370881']);
    expect(await r.get('atlantis')).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ARN }]);
  });

  it('caches within the TTL, including for unknown sources (no call per request)', async () => {
    sm.on(GetSecretValueCommand).resolves(secretString([source({ secrets: [SECRET] })]));
    const { registry: r, clock } = registry();
    for (let i = 0; i < 5; i++) {
      await r.get('rencheng');
      await r.get('nobody');
      clock.t += 10_000;
    }
    expect(clock.t - 1_000_000).toBe(50_000);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('refreshes after the TTL, so that a rotation reaches a warm function', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce(secretString([source({ secrets: [SECRET] })]))
      .resolves(secretString([source({ secrets: [SECRET, NEXT] })]));
    const { registry: r, clock } = registry();
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]);
    clock.t += TTL;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock.t += 1;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET, NEXT]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    // …and is cached again from the refresh.
    clock.t += TTL / 2;
    await r.get('rencheng');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('a failed fetch is not cached: the next call tries again', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'Secrets Manager can’t find the specified secret.', $metadata: {} }))
      .resolves(secretString([source({ secrets: [SECRET] })]));
    const { registry: r } = registry();
    await expect(r.get('rencheng')).rejects.toThrow(ResourceNotFoundException);
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]);
  });

  it('a secret that is not JSON fails without quoting it', async () => {
    const raw = `{"sources":[{"sourceId":"rencheng","secrets":["${SECRET}"]`; // truncated JSON
    sm.on(GetSecretValueCommand).resolves({ SecretString: raw });
    const { registry: r } = registry();
    const error = (await r.get('rencheng').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('sources secret is not valid JSON');
    expect(`${error.message}${error.stack}`).not.toContain(SECRET.slice(6, 20));
  });

  it('a secret with no SecretString (binary) fails as not JSON', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    const { registry: r } = registry();
    await expect(r.get('rencheng')).rejects.toThrow('sources secret is not valid JSON');
  });

  it('a malformed secret names the paths of its problems, never the values', async () => {
    const badSecret = 'hunter2-not-a-whsec-secret';
    sm.on(GetSecretValueCommand).resolves(
      secretString([
        source({ secrets: [badSecret] }),
        { ...source({ sourceId: 'qufu', secrets: [SECRET] }), password: SECRET },
        source({ sourceId: 'Bad Id', secrets: [SECRET], types: ['progress.submitted'] }),
      ]),
    );
    const { registry: r } = registry();
    const error = (await r.get('rencheng').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^sources secret is malformed at /);
    expect(error.message).toContain('sources.0.secrets.0');
    expect(error.message).toContain('sources.2.sourceId');
    const everything = `${error.message}\n${error.stack}`;
    for (const s of [badSecret, SECRET, SECRET.slice(6)]) expect(everything).not.toContain(s);
  });

  it('more than two secrets for a source is malformed', async () => {
    sm.on(GetSecretValueCommand).resolves(secretString([source({ secrets: [SECRET, NEXT, fixedSecret('third')] })]));
    const { registry: r } = registry();
    await expect(r.get('rencheng')).rejects.toThrow('sources secret is malformed at sources.0.secrets');
  });

  it('a failed refresh keeps serving the last good copy, reports it, and tries again only after the back-off', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce(secretString([source({ secrets: [SECRET] })]))
      .rejectsOnce(new Error('ThrottlingException: Rate exceeded'))
      .rejectsOnce(new Error('ThrottlingException: Rate exceeded'))
      .resolves(secretString([source({ secrets: [SECRET, NEXT] })]));
    const clock = { t: 1_000_000 };
    const stale: Array<{ message: string; staleForMs: number }> = [];
    const r = new SecretsSourceRegistry(client, SECRET_ARN, TTL, () => clock.t, {
      retryAfterMs: 30_000,
      onStale: ({ error, staleForMs }) => stale.push({ message: error.message, staleForMs }),
    });
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]);
    clock.t += TTL + 1;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]); // refresh failed: still served
    expect(stale).toEqual([{ message: 'ThrottlingException: Rate exceeded', staleForMs: TTL + 1 }]);
    clock.t += 10_000;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]); // within the back-off: no call
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    clock.t += 20_000;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]); // second failure
    expect(stale).toHaveLength(2);
    clock.t += 30_000;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET, NEXT]); // recovered
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(4);
  });

  it('a malformed new version of the secret does not take every source down', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce(secretString([source({ secrets: [SECRET] })]))
      .resolves({ SecretString: '{"sources": "oops"}' });
    const clock = { t: 1_000_000 };
    const stale: string[] = [];
    const r = new SecretsSourceRegistry(client, SECRET_ARN, TTL, () => clock.t, { onStale: ({ error }) => stale.push(error.message) });
    await r.get('rencheng');
    clock.t += TTL + 1;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]);
    expect(stale).toEqual(['sources secret is malformed at sources']);
  });

  it('beyond the longest allowed staleness, requests fail (a source removed from the secret is not trusted for ever)', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce(secretString([source({ secrets: [SECRET] })]))
      .rejects(new Error('ServiceUnavailable'));
    const clock = { t: 1_000_000 };
    const r = new SecretsSourceRegistry(client, SECRET_ARN, TTL, () => clock.t, { maxStaleMs: 3_600_000, retryAfterMs: 1000 });
    await r.get('rencheng');
    clock.t += TTL + 3_600_000;
    expect((await r.get('rencheng'))?.secrets).toEqual([SECRET]);
    clock.t += 2000;
    await expect(r.get('rencheng')).rejects.toThrow('ServiceUnavailable');
  });
});
