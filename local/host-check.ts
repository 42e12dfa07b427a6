/**
 * DNS rebinding guard: a page on another site can make a browser send requests to 127.0.0.1 under
 * its own name (evil.example → 127.0.0.1), with the browser's cookies and the user's network. The
 * runtime answers only requests addressed to the loopback names it listens on, with or without the
 * port; anything else (another name, a missing Host) is refused before routing.
 */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

export function allowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.trim().toLowerCase();
  return LOOPBACK_NAMES.some((name) => host === name || host === `${name}:${port}`);
}
