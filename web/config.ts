/**
 * The page's runtime settings, served beside it as `config.json`: written by `scripts/build-web.ts`
 * for the local runtime (token sign-in) and by the CDK construct in AWS (OpenID Connect). Pure
 * types and constants: the page, the build script, the local runtime and infra all import this.
 */

export interface TokenAuth {
  /** Locally: a form that takes the read API's bearer token. */
  mode: 'token';
}

export interface OidcAuth {
  /** In AWS: authorization code + PKCE against the issuer the API's JWT authorizer trusts. */
  mode: 'oidc';
  issuer: string;
  clientId: string;
  /** Space-separated, e.g. `openid`. */
  scopes: string;
}

export interface DashboardConfig {
  /** The plans the page can show; the first is opened. */
  plans: Array<{ planId: string; title: string }>;
  auth: TokenAuth | OidcAuth;
}

export const CONFIG_FILE = 'config.json';
