import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../../shared/ports/logger.js';
import * as z from '../../shared/zod.js';
import { renderOpenApiJson } from '../../shared/api/openapi.js';
import {
  DEFAULT_EVENTS_LIMIT,
  DEFAULT_REPORTS_LIMIT,
  DEFAULT_REVIEWS_LIMIT,
  DEFAULT_SNAPSHOT_DAYS,
  MAX_SNAPSHOT_DAYS,
  type EventsQuery,
  type ReviewsQuery,
  type SnapshotsQuery,
  type TaskQuery,
} from '../../shared/api/query-params.js';
import type {
  EventsResponse,
  KpisResponse,
  OverdueResponse,
  ReviewsResponse,
  SnapshotsResponse,
  TaskResponse,
} from '../../shared/api/responses.js';
import { OPENAPI_PATH, READ_ROUTES, matchTemplate, type ReadRoute } from '../../shared/api/routes.js';
import type { WorkdayCalendar } from '../../shared/calendar/workdays.js';
import { errorResponse, jsonResponse, type ErrorIssue } from '../../shared/http/json-response.js';
import { evaluatePlan, type PlanView } from '../../shared/kpi/evaluate-plan.js';
import { findTask, getPlan } from '../../shared/plan/catalog.js';
import { PLAN_YEAR_MARGIN, planSpan, withinPlanSpan } from '../../shared/plan/span.js';
import type { Plan, Task } from '../../shared/plan/schema.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { SnapshotStore } from '../../shared/ports/snapshots.js';
import type { ClaimReader, ReviewStore } from '../../shared/ports/reviews.js';
import type { PlanState, PlanStateReader, ReportReader, SportsEventRecord } from '../../shared/ports/state.js';
import { withReviews } from '../../shared/review/state.js';
import { addDays, daysBetween, localDateOf } from '../../shared/time/local-date.js';
import { describeError } from '../../shared/errors.js';
import { cursorCodec, InvalidCursorError, type CursorCodec, type CursorKey } from './cursor.js';
import { ApiError, InvalidCursorParamError, InvalidQueryError, NotFoundError, parseQuery } from '../../shared/api/read-errors.js';
import { overdueItems } from '../../shared/api/overdue.js';
import { claimsInState, reviewItems } from './reviews.js';
import { kpiItem, planBody, rankingsBody, taskDetail } from '../../shared/api/views.js';

export interface QueryApiDeps {
  reader: PlanStateReader;
  reports: ReportReader;
  /** The office's decisions on completion claims, and the claims' audit rows (read only). */
  reviews: Pick<ReviewStore, 'listDecisions'> & ClaimReader;
  snapshots: SnapshotStore;
  /** The plan as amended (计划调整) as of the date judged; default: the baseline only. */
  amender?: PlanAmender;
  /** The business clock: the lights are judged as of its date in the plan's time zone. */
  clock: Clock;
  calendar: WorkdayCalendar;
  /** HMAC-SHA256 key of the page cursors (≥ 16 bytes). */
  /** Signs page cursors; `[current, previous]` during a rotation (both accepted, the current signs). */
  cursorKey: CursorKey | readonly CursorKey[];
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /**
   * Local runtime only (the HTTP API's authorizer guards the routes in AWS): false → 401, the same
   * answer for a missing, malformed or wrong token. `GET /v1/openapi.json` is never guarded.
   */
  authorize?: (event: APIGatewayProxyEventV2) => boolean;
}

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const ReportsCursor = z.strictObject({
  v: z.literal(1),
  r: z.literal('reports'),
  p: z.string(),
  t: z.string(),
  k: z.record(z.string(), z.unknown()),
});
const EventsCursor = z.strictObject({
  v: z.literal(1),
  r: z.literal('events'),
  p: z.string(),
  f: z.string(),
  o: z.int().check(z.nonnegative()),
});
const ReviewsCursor = z.strictObject({
  v: z.literal(1),
  r: z.literal('reviews'),
  p: z.string(),
  s: z.string(),
  o: z.int().check(z.nonnegative()),
});

let openApiText: string | undefined;

/**
 * The read API (`GET /v1/plans/{planId}/…`, `GET /v1/openapi.json`). Routes on the method and the raw
 * path (not API Gateway's pathParameters), validates every query parameter, and evaluates the plan
 * live from the current aggregates with the pure `evaluatePlan`.
 */
export function createQueryApiHandler(deps: QueryApiDeps): Handler {
  const cursors = cursorCodec(deps.cursorKey);
  const amender = deps.amender ?? baselineOnly;

  async function serve(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;

    if (path === OPENAPI_PATH || path === `${OPENAPI_PATH}/`) {
      if (method !== 'GET') return methodNotAllowed();
      openApiText ??= renderOpenApiJson();
      return { ...jsonResponse(200, null), body: openApiText };
    }

    // Before routing, so that an unauthenticated caller learns nothing about which paths exist.
    if (deps.authorize && !deps.authorize(event)) {
      return errorResponse(401, 'unauthorized', 'a valid bearer token is required', undefined, { 'www-authenticate': 'Bearer' });
    }

    for (const route of READ_ROUTES) {
      const params = matchTemplate(route.path, path);
      if (!params) continue;
      if (method !== 'GET') return methodNotAllowed();
      const body = await dispatch(route, params, event);
      return jsonResponse(200, body);
    }
    throw new NotFoundError('not_found', `no route ${path}`);
  }

  async function dispatch(route: ReadRoute, params: Record<string, string>, event: APIGatewayProxyEventV2): Promise<unknown> {
    const base = getPlan(params.planId ?? '');
    if (!base) throw new NotFoundError('plan_not_found', `no plan ${params.planId}`);
    const query = parseQuery(route.query, event);
    checkDatesWithinPlan(base, query);
    const today = localDateOf(deps.clock.now(), base.timeZone);
    // The plan as amended on the date judged: today, or the overdue list's `asOf`.
    const plan = await amender.asOf(base, (query as { asOf?: string }).asOf ?? today);

    switch (route.operationId) {
      case 'getPlan': {
        const [view, amendments] = await Promise.all([evaluate(plan, today), amender.amendments(plan.planId)]);
        return planBody(plan, view, amendments);
      }
      case 'listKpis': {
        const view = await evaluate(plan, today);
        return { planId: plan.planId, asOf: view.asOf, kpis: view.kpis.map((k) => kpiItem(plan, k)) } satisfies KpisResponse;
      }
      case 'getTask': {
        const task = findTask(plan, params.taskId ?? '');
        if (!task) throw new NotFoundError('task_not_found', `plan ${plan.planId} has no task ${params.taskId}`);
        return taskRoute(plan, task, today, query);
      }
      case 'listOverdue': {
        const asOf = (query as { asOf?: string }).asOf ?? today;
        // Whether a task or milestone is done depends on the units' statuses, and on held events only
        // for a milestone that an event completes (`completedBy`).
        const view = await evaluate(plan, asOf, { withEvents: plan.tasks.some((t) => t.milestones.some((m) => m.completedBy)) });
        return { planId: plan.planId, asOf, items: overdueItems(view, deps.calendar) } satisfies OverdueResponse;
      }
      case 'listRankings':
        return rankingsBody(await evaluate(plan, today));
      case 'listReviews':
        return reviewsRoute(plan, today, query as ReviewsQuery);
      case 'listEvents':
        return eventsRoute(plan, query);
      case 'listSnapshots':
        return snapshotsRoute(plan, today, query);
    }
  }

  /**
   * One Query for the plan's state, one for the office's decisions and (when needed) one for its
   * events — flat in the number of reports (decisions grow with claims, a few per task and unit).
   */
  async function load(plan: Plan, today: string, options: { withEvents: boolean } = { withEvents: true }) {
    const [state, decisions, events] = await Promise.all([
      deps.reader.loadPlanState(plan.planId),
      deps.reviews.listDecisions(plan.planId),
      options.withEvents ? deps.reader.listEvents(plan.planId) : Promise.resolve<SportsEventRecord[]>([]),
    ]);
    const reviewed: PlanState = withReviews(state, decisions);
    return { state: reviewed, decisions, view: evaluatePlan(plan, reviewed, events, today) };
  }

  async function evaluate(plan: Plan, today: string, options: { withEvents: boolean } = { withEvents: true }): Promise<PlanView> {
    return (await load(plan, today, options)).view;
  }

  async function taskRoute(plan: Plan, task: Task, today: string, query: TaskQuery): Promise<TaskResponse> {
    let startKey: Record<string, unknown> | undefined;
    if (query.cursor !== undefined) {
      const c = decodeCursor(cursors, ReportsCursor, query.cursor);
      if (c.p !== plan.planId || c.t !== task.taskId) throw new InvalidCursorParamError();
      startKey = c.k;
    }
    // Only a task with an event-counted KPI needs the events of the plan.
    const withEvents = task.kpis.some((k) => k.aggregation.kind === 'count_held_events') || task.milestones.some((m) => m.completedBy);
    const [{ view, decisions }, page] = await Promise.all([
      load(plan, today, { withEvents }),
      deps.reports.listReports(plan.planId, task.taskId, {
        limit: query.limit ?? DEFAULT_REPORTS_LIMIT,
        ...(startKey ? { startKey } : {}),
      }),
    ]);
    const nextCursor = page.lastKey ? cursors.encode({ v: 1, r: 'reports', p: plan.planId, t: task.taskId, k: page.lastKey }) : null;
    const reviews = decisions.filter((d) => d.taskId === task.taskId).reverse();
    return { ...taskDetail(plan, task, view), reviews, reports: { items: page.items, nextCursor } };
  }

  /** The claims in a review state, oldest first; a page reads only its own claims' audit rows. */
  async function reviewsRoute(plan: Plan, today: string, query: ReviewsQuery): Promise<ReviewsResponse> {
    let offset = 0;
    if (query.cursor !== undefined) {
      const c = decodeCursor(cursors, ReviewsCursor, query.cursor);
      if (c.p !== plan.planId || c.s !== query.state) throw new InvalidCursorParamError();
      offset = c.o;
    }
    const limit = query.limit ?? DEFAULT_REVIEWS_LIMIT;
    const { state, decisions, view } = await load(plan, today);
    const all = claimsInState(view, state, query.state);
    const items = await reviewItems(plan, view, all.slice(offset, offset + limit), decisions, deps.reviews);
    const next = offset + limit;
    return {
      planId: plan.planId,
      asOf: today,
      state: query.state,
      items,
      nextCursor: next < all.length ? cursors.encode({ v: 1, r: 'reviews', p: plan.planId, s: query.state, o: next }) : null,
    };
  }

  async function eventsRoute(plan: Plan, query: EventsQuery): Promise<EventsResponse> {
    if (query.from && query.to && query.from > query.to) throw new InvalidQueryError([{ path: 'from', message: 'from is after to' }]);
    const filters = {
      orgId: query.orgId,
      status: query.status,
      category: query.category,
      taskId: query.taskId,
      from: query.from,
      to: query.to,
    };
    const fingerprint = createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 22);
    let offset = 0;
    if (query.cursor !== undefined) {
      const c = decodeCursor(cursors, EventsCursor, query.cursor);
      if (c.p !== plan.planId || c.f !== fingerprint) throw new InvalidCursorParamError();
      offset = c.o;
    }
    const limit = query.limit ?? DEFAULT_EVENTS_LIMIT;
    const all = (await deps.reader.listEvents(plan.planId))
      .filter(
        (e) =>
          (query.orgId === undefined || e.orgId === query.orgId) &&
          (query.status === undefined || e.status === query.status) &&
          (query.category === undefined || e.category === query.category) &&
          (query.taskId === undefined || e.taskIds.includes(query.taskId)) &&
          (query.from === undefined || e.startDate >= query.from) &&
          (query.to === undefined || e.startDate <= query.to),
      )
      .sort((a, b) => b.startDate.localeCompare(a.startDate) || a.sourceId.localeCompare(b.sourceId) || a.eventId.localeCompare(b.eventId));
    const items = all.slice(offset, offset + limit);
    const next = offset + limit;
    return { items, nextCursor: next < all.length ? cursors.encode({ v: 1, r: 'events', p: plan.planId, f: fingerprint, o: next }) : null };
  }

  async function snapshotsRoute(plan: Plan, today: string, query: SnapshotsQuery): Promise<SnapshotsResponse> {
    const to =
      query.to ??
      (query.from !== undefined && addDays(query.from, MAX_SNAPSHOT_DAYS - 1) < today ? addDays(query.from, MAX_SNAPSHOT_DAYS - 1) : today);
    const from = query.from ?? addDays(to, -(DEFAULT_SNAPSHOT_DAYS - 1));
    if (from > to) throw new InvalidQueryError([{ path: 'from', message: `from ${from} is after to ${to}` }]);
    if (daysBetween(from, to) + 1 > MAX_SNAPSHOT_DAYS)
      throw new InvalidQueryError([{ path: 'to', message: `the range is limited to ${MAX_SNAPSHOT_DAYS} days` }]);
    // The compact trend items, not the full snapshots: a year is one small query (shared/api/trend.ts).
    return { planId: plan.planId, from, to, items: await deps.snapshots.listTrend(plan.planId, from, to) };
  }

  return async (event) => {
    try {
      return await serve(event);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err.statusCode, err.code, err.message, err.issues);
      deps.logger.error('query failed', { path: event.rawPath, error: describeError(err) });
      return errorResponse(500, 'internal_error', 'the request could not be served');
    }
  };
}

function methodNotAllowed(): APIGatewayProxyStructuredResultV2 {
  return errorResponse(405, 'method_not_allowed', 'use GET', undefined, { allow: 'GET' });
}

/** Every date parameter (`asOf`, `from`, `to`) must lie within the plan's span (shared/plan/span.ts). */
function checkDatesWithinPlan(plan: Plan, query: Record<string, unknown>): void {
  const { first, last } = planSpan(plan);
  const issues: ErrorIssue[] = [];
  for (const key of DATE_PARAMS) {
    const value = query[key];
    if (typeof value === 'string' && !withinPlanSpan(plan, value))
      issues.push({ path: key, message: `a date from ${first} to ${last} (the plan's year ± ${PLAN_YEAR_MARGIN})` });
  }
  if (issues.length > 0) throw new InvalidQueryError(issues);
}
const DATE_PARAMS = ['asOf', 'from', 'to'] as const;

function decodeCursor<T extends z.ZodMiniType>(codec: CursorCodec, schema: T, cursor: string): z.infer<T> {
  let payload: unknown;
  try {
    payload = codec.decode(cursor);
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new InvalidCursorParamError();
    throw err;
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new InvalidCursorParamError();
  return parsed.data;
}
