import { REF, type Json } from './schemas.js';

/** The error answers (`ErrorResponse` with examples) and the shared `components/responses`. */

export function errorExample(code: string, message: string, issues?: Array<{ path: string; message: string; code?: string }>): Json {
  return { value: { error: issues ? { code, message, issues } : { code, message } } };
}

export function errorResponse(description: string, examples: Record<string, Json>, headers?: Json): Json {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: { $ref: REF('ErrorResponse') }, examples } },
  };
}

export const retryAfter = { 'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } } };

/** Reusable answers of the read routes. */
export const readResponses: Record<string, Json> = {
  BadRequest: errorResponse('A query parameter is unknown or invalid, or the cursor was altered or belongs to another listing.', {
    invalid_query: errorExample('invalid_query', 'the query parameters are invalid', [
      { path: 'limit', message: 'Too big: expected number to be <=100' },
    ]),
    unknown_parameter: errorExample('invalid_query', 'the query parameters are invalid', [
      { path: 'page', message: 'unknown query parameter' },
    ]),
    invalid_cursor: errorExample('invalid_cursor', 'the cursor is not valid for this listing'),
  }),
  Unauthorized: errorResponse(
    'The bearer token is missing, malformed or not accepted (the same answer in every case).',
    { unauthorized: errorExample('unauthorized', 'a valid bearer token is required') },
    { 'www-authenticate': { description: '`Bearer`', schema: { type: 'string' } } },
  ),
  NotFound: errorResponse('Unknown plan or task.', {
    plan_not_found: errorExample('plan_not_found', 'no plan nope-2023'),
    task_not_found: errorExample('task_not_found', 'plan jining-sports-2023 has no task T99'),
  }),
  MethodNotAllowed: errorResponse(
    'Only GET is served on this path.',
    { method_not_allowed: errorExample('method_not_allowed', 'use GET') },
    { allow: { schema: { type: 'string' } } },
  ),
  InternalError: errorResponse('The service failed; retry later.', {
    internal_error: errorExample('internal_error', 'the request could not be served'),
  }),
};

export const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
