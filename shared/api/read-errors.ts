import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from '../zod.js';
import type { ErrorIssue } from '../http/json-response.js';
import { ApiError, NotFoundError } from '../http/api-error.js';

export { ApiError, NotFoundError };

export class InvalidQueryError extends ApiError {
  override readonly name = 'InvalidQueryError';
  constructor(issues: ErrorIssue[]) {
    super(400, 'invalid_query', 'the query parameters are invalid', issues);
  }
}

export class InvalidCursorParamError extends ApiError {
  override readonly name = 'InvalidCursorParamError';
  constructor() {
    super(400, 'invalid_cursor', 'the cursor is not valid for this listing');
  }
}

/** A bulletin period that is malformed, outside the plan's year, or not begun yet. */
export class InvalidPeriodError extends ApiError {
  override readonly name = 'InvalidPeriodError';
  constructor(code: 'invalid_period' | 'period_outside_plan' | 'period_not_started', message: string) {
    super(400, code, message, [{ path: 'period', message }]);
  }
}

/** The query parameters of a request by `schema`; an unknown or invalid one is an InvalidQueryError naming each. */
export function parseQuery(schema: z.ZodMiniObject, event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'>): Record<string, unknown> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (parsed.success) return parsed.data;
  const issues: ErrorIssue[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: key, message: 'unknown query parameter' });
    } else {
      issues.push({ path: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  throw new InvalidQueryError(issues);
}
