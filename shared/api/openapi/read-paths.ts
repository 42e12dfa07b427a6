import { BULLETIN_FORMATS, BULLETIN_MEDIA_TYPES } from '../query-params.js';
import { BULLETIN_ROUTE, READ_ROUTES } from '../routes.js';
import { errorExample, errorResponse, responseRef } from './error-responses.js';
import { REF, planIdParam, queryParameters, taskIdParam, type Json } from './schemas.js';

/** The paths of the read API (bearer token): the JSON listings and the bulletin file. */

/** A GET operation of the read API: bearer auth, the shared error answers, `ok` for 200. */
function readOperation(
  r: { operationId: string; summary: string; description: string },
  parameters: Json[],
  ok: Json,
  badRequest: Json = responseRef('BadRequest'),
): Json {
  return {
    get: {
      operationId: r.operationId,
      tags: ['read'],
      summary: r.summary,
      description: r.description,
      security: [{ bearerAuth: [] }],
      parameters,
      responses: {
        200: ok,
        400: badRequest,
        401: responseRef('Unauthorized'),
        404: responseRef('NotFound'),
        405: responseRef('MethodNotAllowed'),
        500: responseRef('InternalError'),
      },
    },
  };
}

export function readOperations(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const r of READ_ROUTES) {
    paths[r.path] = readOperation(r, [planIdParam, ...(r.path.includes('{taskId}') ? [taskIdParam] : []), ...queryParameters(r.query)], {
      description: 'OK',
      content: { 'application/json': { schema: { $ref: REF(r.responseName) } } },
    });
  }
  return paths;
}

export function bulletinOperation(): Json {
  const r = BULLETIN_ROUTE;
  const periodParam = {
    name: 'period',
    in: 'path',
    required: true,
    description: "A month (`2023-06`) or a quarter (`2023-Q2`) of the plan's year.",
    schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2]|Q[1-4])$' },
  };
  const ok = {
    description: 'The bulletin file.',
    headers: {
      'content-disposition': {
        description:
          "RFC 6266: `attachment` (`inline` for html) with an ASCII `filename` and `filename*=UTF-8''通报-<period>.<format>` (percent-encoded).",
        schema: { type: 'string' },
      },
    },
    content: Object.fromEntries(
      BULLETIN_FORMATS.map((f) => [BULLETIN_MEDIA_TYPES[f], { schema: { type: 'string', ...(f === 'xlsx' ? { format: 'binary' } : {}) } }]),
    ),
  };
  const badRequest = errorResponse("The period is malformed, outside the plan's year or not begun, or a query parameter is invalid.", {
    invalid_period: errorExample('invalid_period', 'period must be a month (2023-06) or a quarter (2023-Q2), got "2023-13"', [
      { path: 'period', message: 'period must be a month (2023-06) or a quarter (2023-Q2), got "2023-13"' },
    ]),
    period_outside_plan: errorExample('period_outside_plan', "period 2024-01 is outside the plan's year 2023", [
      { path: 'period', message: "period 2024-01 is outside the plan's year 2023" },
    ]),
    invalid_query: errorExample('invalid_query', 'the query parameters are invalid', [
      { path: 'format', message: 'Invalid option: expected one of "xlsx"|"csv"|"html"' },
    ]),
  });
  return readOperation(r, [planIdParam, periodParam, ...queryParameters(r.query)], ok, badRequest);
}
