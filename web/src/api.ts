import { currentToken } from './auth.js';

/** The read API on the page's own origin (locally the runtime; in AWS, CloudFront's `/v1/*`). */

export class SignInRequired extends Error {
  override readonly name = 'SignInRequired';
}

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request(path: string, init: { method?: 'POST'; body?: unknown } = {}): Promise<Response> {
  const token = currentToken();
  if (!token) throw new SignInRequired();
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    cache: 'no-store',
  });
  if (res.status === 401) throw new SignInRequired();
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiFailure(res.status, body?.error?.message ?? `HTTP ${res.status}`);
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

/** An office action (销号 / 退回): a 403 (the token has no office role) arrives as ApiFailure(403). */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await request(path, { method: 'POST', body })).json()) as T;
}

/** Fetches a file with the token (a plain link could not carry it) and hands it to the browser as a download. */
export async function download(path: string, fileName: string): Promise<void> {
  const blob = await (await request(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
