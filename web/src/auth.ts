import type { DashboardConfig, OidcAuth } from '../config.js';
import { authorizeUrl, codeChallenge, randomToken, tokenRequestBody, type Discovery } from './pkce.js';

/**
 * Where the page keeps its bearer token: `sessionStorage` (gone with the tab, never in the URL,
 * never in a cookie the API would accept from another site).
 */
const TOKEN_KEY = 'supervision.token';
const PENDING_KEY = 'supervision.oidc';

export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PENDING_KEY);
}

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new SignInError(`身份认证服务不可用（${res.status}）`);
  return (await res.json()) as Discovery;
}

/** The page's own address without query or fragment: the redirect URI registered with the issuer. */
function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}

/** Starts the authorization code flow: the verifier and state stay in this tab's sessionStorage. */
export async function startOidcSignIn(auth: OidcAuth): Promise<void> {
  const d = await discover(auth.issuer);
  const verifier = randomToken();
  const state = randomToken(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
  location.assign(
    authorizeUrl(d.authorization_endpoint, {
      clientId: auth.clientId,
      redirectUri: redirectUri(),
      scopes: auth.scopes,
      state,
      challenge: await codeChallenge(verifier),
    }),
  );
}

/**
 * On the way back from the issuer (`?code=…&state=…`): checks the state, exchanges the code with the
 * verifier, keeps the access token, and takes the code out of the address bar.
 */
export async function completeOidcSignIn(config: DashboardConfig): Promise<void> {
  if (config.auth.mode !== 'oidc') return;
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as { verifier: string; state: string; hash: string } | null;
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `${location.pathname}${pending?.hash ?? ''}`);
  if (error) throw new SignInError(`登录未完成：${params.get('error_description') ?? error}`);
  if (!pending || params.get('state') !== pending.state) throw new SignInError('登录状态校验失败，请重新登录');
  const d = await discover(config.auth.issuer);
  const res = await fetch(d.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody({ code: code!, redirectUri: redirectUri(), clientId: config.auth.clientId, verifier: pending.verifier }),
  });
  if (!res.ok) throw new SignInError(`换取令牌失败（${res.status}）`);
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new SignInError('身份认证服务未返回访问令牌');
  saveToken(body.access_token);
}
