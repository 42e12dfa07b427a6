import type { ErrorIssue } from './json-response.js';

/**
 * An answer other than 200, thrown by a route of an HTTP function and turned into
 * `{ error: { code, message, issues? } }` by its handler (query-api, office-api).
 */
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
  constructor(code: 'not_found' | 'plan_not_found' | 'task_not_found' | 'unit_not_found', message: string) {
    super(404, code, message);
  }
}
