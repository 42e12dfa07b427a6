import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../../shared/ports/logger.js';
import type { BulletinQuery } from '../../shared/api/query-params.js';
import { BULLETIN_ROUTE, matchTemplate } from '../../shared/api/routes.js';
import type { WorkdayCalendar } from '../../shared/calendar/workdays.js';
import { errorResponse } from '../../shared/http/json-response.js';
import { getPlan } from '../../shared/plan/catalog.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { ReviewStore } from '../../shared/ports/reviews.js';
import type { PlanStateReader, ReportReader } from '../../shared/ports/state.js';
import { localDateOf } from '../../shared/time/local-date.js';
import { ApiError, NotFoundError, parseQuery } from '../../shared/api/read-errors.js';
import { describeError } from '../../shared/errors.js';
import { loadBulletin } from './bulletin.js';
import { renderBulletin } from './bulletin-render.js';

export interface BulletinApiDeps {
  reader: PlanStateReader;
  reports: ReportReader;
  /** The office's decisions on completion claims (a bulletin counts those taken by the period's end). */
  reviews: Pick<ReviewStore, 'listDecisions'>;
  /** The plan as amended (计划调整) as of the bulletin's day; default: the baseline only. */
  amender?: PlanAmender;
  /** The business clock: a bulletin is as of the period's end, or today while the period runs. */
  clock: Clock;
  calendar: WorkdayCalendar;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** Local runtime only (the HTTP API's authorizer guards the route in AWS): false → 401. */
  authorize?: (event: APIGatewayProxyEventV2) => boolean;
}

/**
 * `GET /v1/plans/{planId}/bulletins/{period}` (通报: xlsx, csv or html), a function of its own: the
 * xlsx writer (write-excel-file and fflate, about 78 KiB minified, where exceljs and its
 * dependencies were about 1.2 MiB) is only this route's, and the read API (query-api) starts
 * without it. The same error shape and authorization as the read API.
 */
export function createBulletinApiHandler(deps: BulletinApiDeps) {
  const amender = deps.amender ?? baselineOnly;
  async function serve(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    if (deps.authorize && !deps.authorize(event)) {
      return errorResponse(401, 'unauthorized', 'a valid bearer token is required', undefined, { 'www-authenticate': 'Bearer' });
    }
    const params = matchTemplate(BULLETIN_ROUTE.path, event.rawPath);
    if (!params) throw new NotFoundError('not_found', `no route ${event.rawPath}`);
    if (event.requestContext.http.method.toUpperCase() !== 'GET')
      return errorResponse(405, 'method_not_allowed', 'use GET', undefined, { allow: 'GET' });
    const plan = getPlan(params.planId ?? '');
    if (!plan) throw new NotFoundError('plan_not_found', `no plan ${params.planId}`);
    const query = parseQuery(BULLETIN_ROUTE.query, event) as BulletinQuery;
    const now = deps.clock.now();
    const bulletin = await loadBulletin({ ...deps, amender }, plan, params.period ?? '', localDateOf(now, plan.timeZone), now);
    return renderBulletin(bulletin, query.format);
  }

  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      return await serve(event);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err.statusCode, err.code, err.message, err.issues);
      deps.logger.error('bulletin failed', { path: event.rawPath, error: describeError(err) });
      return errorResponse(500, 'internal_error', 'the request could not be served');
    }
  };
}
