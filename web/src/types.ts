/**
 * The read API's response types, taken from the zod schemas the API is generated from (type-only:
 * nothing of zod reaches the bundle). The page reads only the fields it shows, so fields the API
 * adds later are simply carried along.
 */
import type * as z from '../../shared/zod.js';
import type {
  KpiItem,
  Light as LightSchema,
  OverdueItem,
  PlanResponse,
  RankingsResponse,
  ReviewsResponse,
  SnapshotsResponse,
  Target as TargetSchema,
  TaskResponse,
} from '../../shared/api/responses.js';

export type Plan = PlanResponse;
export type Task = PlanResponse['tasks'][number];
export type Kpi = z.infer<typeof KpiItem>;
export type Light = z.infer<typeof LightSchema>;
export type Target = z.infer<typeof TargetSchema>;
export type Overdue = z.infer<typeof OverdueItem>;
export type Rankings = RankingsResponse;
export type Reviews = ReviewsResponse;
export type Snapshots = SnapshotsResponse;
export type TaskDetail = TaskResponse;
export type Report = TaskResponse['reports']['items'][number];
