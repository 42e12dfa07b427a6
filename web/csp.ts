/**
 * The page's security headers — one list for the local runtime (local/static.ts) and CloudFront's
 * response headers policy (infra/constructs/dashboard.ts), so the two cannot drift apart.
 */

export interface PageCspOptions {
  /** Origins the page may call besides its own (the OIDC issuer's discovery and token endpoints). */
  connectOrigins?: readonly string[];
}

/**
 * No inline script or style, no eval, nothing from another origin: the page's JS and CSS are files
 * of its own, ECharts included (it styles its elements through the CSSOM, which CSP allows).
 */
export function pageCsp(options: PageCspOptions = {}): string {
  const connect = ["'self'", ...(options.connectOrigins ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The other headers of every page response (HSTS only where the page is served over TLS). */
export const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** The origin of a URL (`https://idp.example.gov.cn`), for `connect-src`. */
export function originOf(url: string): string {
  return new URL(url).origin;
}
