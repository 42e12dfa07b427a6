import type { z } from 'zod';
import { BulletinQuery, EventsQuery, KpisQuery, OverdueQuery, PlanQuery, RankingsQuery, SnapshotsQuery, TaskQuery } from './query-params.js';
import { EventsResponse, KpisResponse, OverdueResponse, PlanResponse, RankingsResponse, SnapshotsResponse, TaskResponse } from './responses.js';

/**
 * The read routes: one table that the handler routes by and the OpenAPI document is generated from.
 * Paths use OpenAPI templates (`{planId}`); every route is `GET`.
 */
export interface ReadRoute {
  operationId: 'getPlan' | 'listKpis' | 'getTask' | 'listOverdue' | 'listRankings' | 'listEvents' | 'listSnapshots';
  path: string;
  summary: string;
  description: string;
  query: z.ZodObject;
  response: z.ZodType;
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
  path: '/v1/plans/{planId}/bulletins/{period}',
  summary: 'The bulletin (通报) of a month or quarter: xlsx, csv or printable html',
  description:
    'The plan as it stood at the end of the period (its last day, or today while it runs), replayed from the audit trail: ' +
    'xlsx with sheets 排名 (ranking), 逾期事项 (overdue items) and 指标 (KPIs with per-county figures); csv with the ranking (UTF-8 with BOM); ' +
    'html, a printable A4 bulletin. The file name is `通报-<period>.<format>` (RFC 6266 `filename*`). 400 for a period outside the plan\'s year or not begun.',
  query: BulletinQuery,
} as const;

export const OPENAPI_PATH = '/v1/openapi.json';
export const WEBHOOK_PATH = '/v1/webhooks/{sourceId}';

/** Matches a concrete path against a route template; returns the (decoded) path parameters. */
export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const m = new RegExp(`^${pattern}/?$`).exec(path);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  try {
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? '');
    });
  } catch {
    return undefined;
  }
  return params;
}
