import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface ErrorIssue {
  path: string;
  message: string;
  /** Set when the issues of one answer have different causes (e.g. `unit_not_assigned`, `invalid_period`). */
  code?: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** `{ "error": { "code", "message", "issues"? } }` — the one error shape of every route. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  issues?: ErrorIssue[],
  headers?: Record<string, string>,
): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(statusCode, { error: issues && issues.length > 0 ? { code, message, issues } : { code, message } }, headers);
}

/** zod issues as `{ path, message }` with dotted paths (`data.metrics.0.value`). */
export function zodIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): ErrorIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
