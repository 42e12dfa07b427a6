import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The SDK's default credential chain as it resolves in Lambda: the execution role's credentials are
 * in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first link of
 * the chain. infra/bundling.ts bundles this module in place of `@aws-sdk/credential-provider-node`,
 * which brings the SSO, STS, INI, process and IMDS providers and their nested clients (about 100 KB
 * of every bundle, and their init) that a Lambda function never reaches. The local runtime and the
 * tests keep the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
