import type * as z from '../zod.js';
import {
  BulletinQuery,
  EventsQuery,
  KpisQuery,
  OverdueQuery,
  PlanQuery,
  RankingsQuery,
  ReviewsQuery,
  SnapshotsQuery,
  TaskQuery,
} from './query-params.js';
import {
  EventsResponse,
  KpisResponse,
  OverdueResponse,
  PlanResponse,
  RankingsResponse,
  ReviewsResponse,
  SnapshotsResponse,
  TaskResponse,
} from './responses.js';
import { ReviewRequest, ReviewResponse } from './office.js';
import { AmendmentRequest, PlanAmendedDetail } from '../plan/amendment.js';
import { BULLETIN_PATH, OPENAPI_PATH, WEBHOOK_ROUTE, matchTemplate, type ApiRoute } from './route-paths.js';

export {
  BULLETIN_PATH,
  OPENAPI_PATH,
  WEBHOOK_PATH,
  WEBHOOK_ROUTE,
  fillTemplate,
  matchTemplate,
  routeKey,
  type ApiRoute,
  type RouteFunction,
} from './route-paths.js';

/**
 * The read routes: one table that the handler routes by and the OpenAPI document is generated from.
 * Paths use OpenAPI templates (`{planId}`); every route is `GET`.
 */
export interface ReadRoute {
  operationId: 'getPlan' | 'listKpis' | 'getTask' | 'listOverdue' | 'listRankings' | 'listReviews' | 'listEvents' | 'listSnapshots';
  path: string;
  summary: string;
  description: string;
  query: z.ZodMiniObject;
  response: z.ZodMiniType;
  /** The component name of the response schema. */
  responseName: string;
}

export const READ_ROUTES: readonly ReadRoute[] = [
  {
    operationId: 'getPlan',
    path: '/v1/plans/{planId}',
    summary: 'The plan and every task with its light',
    description: 'The plan header, section roll-ups and every task with its status (红黄绿灯) as of the business date.',
    query: PlanQuery,
    response: PlanResponse,
    responseName: 'PlanResponse',
  },
  {
    operationId: 'listKpis',
    path: '/v1/plans/{planId}/kpis',
    summary: 'Every KPI against its target and pace',
    description: 'Each KPI with its city figure, progress, expected figure (序时进度), status and per-unit breakdown.',
    query: KpisQuery,
    response: KpisResponse,
    responseName: 'KpisResponse',
  },
  {
    operationId: 'getTask',
    path: '/v1/plans/{planId}/tasks/{taskId}',
    summary: 'One task: milestones, KPIs, units, and its reports (paginated)',
    description: "The task's text, milestones with completion, KPIs, each unit's latest status, and its progress reports newest first.",
    query: TaskQuery,
    response: TaskResponse,
    responseName: 'TaskResponse',
  },
  {
    operationId: 'listOverdue',
    path: '/v1/plans/{planId}/overdue',
    summary: 'Tasks and milestones past due and not done (逾期)',
    description: 'Every task and milestone whose due date is before `asOf` and that is not done, with calendar and working days overdue.',
    query: OverdueQuery,
    response: OverdueResponse,
    responseName: 'OverdueResponse',
  },
  {
    operationId: 'listRankings',
    path: '/v1/plans/{planId}/rankings',
    summary: 'Ranking of units (排名通报)',
    description: 'Units ranked by the share of their items that are green or done; ties share a rank.',
    query: RankingsQuery,
    response: RankingsResponse,
    responseName: 'RankingsResponse',
  },
  {
    operationId: 'listReviews',
    path: '/v1/plans/{planId}/reviews',
    summary: 'Completion claims for the office to review (待销号), paginated',
    description:
      "Each unit's completion claim (its latest report says `completed`) in the given state, oldest first, with the claim's summary and evidence and the task's KPIs now against target. Decide with `POST …/tasks/{taskId}/reviews`.",
    query: ReviewsQuery,
    response: ReviewsResponse,
    responseName: 'ReviewsResponse',
  },
  {
    operationId: 'listEvents',
    path: '/v1/plans/{planId}/events',
    summary: 'Registered sports events (赛事 / 活动备案), filtered and paginated',
    description: 'Events of the plan, latest start date first, filtered by unit, status, category, task and start-date range.',
    query: EventsQuery,
    response: EventsResponse,
    responseName: 'EventsResponse',
  },
  {
    operationId: 'listSnapshots',
    path: '/v1/plans/{planId}/snapshots',
    summary: 'Daily snapshots for trend charts',
    description: 'The stored daily evaluation of the plan for each day in the range (oldest first).',
    query: SnapshotsQuery,
    response: SnapshotsResponse,
    responseName: 'SnapshotsResponse',
  },
];

/**
 * The one read route that answers a file rather than JSON (so it is not in `READ_ROUTES`, whose
 * entries all answer a JSON schema): the monthly or quarterly bulletin (通报).
 */
export const BULLETIN_ROUTE = {
  operationId: 'getBulletin',
  path: BULLETIN_PATH,
  summary: 'The bulletin (通报) of a month or quarter: xlsx, csv or printable html',
  description:
    'The plan as it stood at the end of the period (its last day, or today while it runs), replayed from the audit trail: ' +
    'xlsx with sheets 排名 (ranking), 逾期事项 (overdue items) and 指标 (KPIs with per-county figures); csv with the ranking (UTF-8 with BOM); ' +
    "html, a printable A4 bulletin. The file name is `通报-<period>.<format>` (RFC 6266 `filename*`). 400 for a period outside the plan's year or not begun.",
  query: BulletinQuery,
} as const;

/**
 * The supervision office's actions (督查室): POST routes served by office-api (writes, kept out of the
 * read-only query-api), behind the same authorizer plus the office role. One table for the handler,
 * the infrastructure's routes and the OpenAPI document.
 */
export interface OfficeRoute {
  operationId: 'reviewClaim' | 'amendPlan';
  path: string;
  summary: string;
  description: string;
  request: z.ZodMiniType;
  requestName: string;
  response: z.ZodMiniType;
  responseName: string;
  successStatus: 200 | 201;
}

export const REVIEW_ROUTE: OfficeRoute = {
  operationId: 'reviewClaim',
  path: '/v1/plans/{planId}/tasks/{taskId}/reviews',
  summary: "Approve (销号) or return (退回) a unit's completion claim",
  description:
    "The office decides the pending completion claim of a unit on a task: `approve` closes it (the unit is done; the task once every lead unit is), `return` sends it back with a required comment that goes into the unit's next digest. Each decision is an immutable audit row, which the table's stream puts on the bus once as a `review.recorded` event. The very same decision sent again (a retry) answers the recorded one and changes nothing. Office role only: a reader's token gets 403.",
  request: ReviewRequest,
  requestName: 'ReviewRequest',
  response: ReviewResponse,
  responseName: 'ReviewResponse',
  successStatus: 200,
};

export const AMENDMENT_ROUTE: OfficeRoute = {
  operationId: 'amendPlan',
  path: '/v1/plans/{planId}/amendments',
  summary: 'Amend the plan (计划调整): confirm a milestone date, set a target, reassign units',
  description:
    "A versioned change to the plan: `confirm_milestone` (the date is no longer an assumption, optionally moved), `set_target`, `assign_units`. Every change is checked against the plan as amended so far; any issue refuses the whole amendment (422, every issue listed) and nothing is applied. The amendment becomes the next version, effective from today (the plan's time zone): the lights, reminders, snapshots and the webhook's unit checks use the plan as amended from then on; earlier snapshots and bulletins stay as they were. The stored amendment goes on the bus once as a `plan.amended` event (from the table's stream); the same amendment sent again by the same user (a retry) answers the stored version, not a new one. Office role only.",
  request: AmendmentRequest,
  requestName: 'AmendmentRequest',
  response: PlanAmendedDetail,
  responseName: 'PlanAmendment',
  successStatus: 201,
};

export const OFFICE_ROUTES: readonly OfficeRoute[] = [REVIEW_ROUTE, AMENDMENT_ROUTE];

const signedIn = { kind: 'authorizer' } as const;

/**
 * Every route of the HTTP API, the one table that the API construct (infra/constructs/api.ts) adds
 * its routes from and the local runtime routes by (tests/unit/local-routes.test.ts holds them to it):
 * the webhook to ingest-webhook, the reads to query-api, the bulletins to bulletin-api (its xlsx
 * writer stays out of query-api), the office's actions to office-api (writes, kept out of the
 * read-only query-api), and the API description, public.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  WEBHOOK_ROUTE,
  ...READ_ROUTES.map((r): ApiRoute => ({ method: 'GET', path: r.path, function: 'query-api', access: signedIn })),
  { method: 'GET', path: BULLETIN_ROUTE.path, function: 'bulletin-api', access: signedIn },
  ...OFFICE_ROUTES.map((r): ApiRoute => ({ method: 'POST', path: r.path, function: 'office-api', access: signedIn })),
  {
    method: 'GET',
    path: OPENAPI_PATH,
    function: 'query-api',
    access: { kind: 'public', why: 'The OpenAPI description of the API is public documentation and carries no data.' },
  },
];

/** The route a request takes, as API Gateway picks it, with its (decoded) path parameters. */
export function matchRoute(method: string, path: string): { route: ApiRoute; pathParameters: Record<string, string> } | undefined {
  for (const route of API_ROUTES) {
    if (route.method !== method) continue;
    const pathParameters = matchTemplate(route.path, path);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}
