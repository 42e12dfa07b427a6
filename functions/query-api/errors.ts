import type { ErrorIssue } from '../../shared/http/json-response.js';

/** An answer other than 200, thrown by a route and turned into `{ error: { code, message, issues? } }`. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
  }
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  constructor(code: 'not_found' | 'plan_not_found' | 'task_not_found', message: string) {
    super(404, code, message);
  }
}

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
