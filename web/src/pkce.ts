/**
 * OAuth 2.0 authorization code with PKCE (RFC 7636, S256) for the page's OpenID Connect sign-in.
 * Pure functions over Web Crypto, so the same code runs in the browser and in the unit tests.
 */

export function base64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes → a 43-character verifier (RFC 7636 §4.1). */
export function randomToken(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function codeChallenge(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string;
  state: string;
  challenge: string;
}

export function authorizeUrl(endpoint: string, r: AuthorizeRequest): string {
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', r.clientId);
  url.searchParams.set('redirect_uri', r.redirectUri);
  url.searchParams.set('scope', r.scopes);
  url.searchParams.set('state', r.state);
  url.searchParams.set('code_challenge', r.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** The form body of the code exchange (a public client: no secret, the verifier proves possession). */
export function tokenRequestBody(r: { code: string; redirectUri: string; clientId: string; verifier: string }): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code: r.code,
    redirect_uri: r.redirectUri,
    client_id: r.clientId,
    code_verifier: r.verifier,
  });
}
