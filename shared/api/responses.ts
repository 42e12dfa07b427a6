import * as z from '../zod.js';
import {
  ClaimRef,
  Evidence,
  EventRegisteredDetail,
  ProgressStatus,
  ProgressSubmittedDetail,
  REVIEW_STATES,
  ReviewRecordedDetail,
} from '../../events/schemas.js';
import { LIGHTS } from '../status/light.js';
import { PlanAmendedDetail } from '../plan/amendment.js';

/**
 * The response bodies of every route, as zod: the OpenAPI document is generated from these, and the
 * tests parse what the handler answers with them, so the document cannot drift from the code.
 */

const IsoDate = z.iso.date();
const IsoInstant = z.iso.datetime({ offset: true });

export const Light = z.withMeta(z.enum(LIGHTS), { description: '红黄绿灯: green, yellow, red, or done (办结).' });

export const ErrorIssue = z.object({
  path: z.withMeta(z.string(), { description: 'Dotted path of the offending field or query parameter (`data.metrics.0.value`, `limit`).' }),
  message: z.string(),
  code: z.withMeta(z.optional(z.string()), {
    description:
      'The cause of this issue when a webhook is refused against the plan (`unit_not_assigned`, `invalid_period`, `time_out_of_range`, `unknown_reference`, `evidence_required`, `invalid_value`).',
  }),
});

export const ErrorResponse = z.object({
  error: z.object({
    code: z.withMeta(z.string(), { description: 'Stable, machine-readable code (see docs/api.md).' }),
    message: z.withMeta(z.string(), { description: 'Human-readable explanation; do not parse.' }),
    issues: z.withMeta(z.optional(z.array(ErrorIssue)), { description: 'Every violation, when the request was invalid.' }),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const LightCounts = z.object({ green: z.int(), yellow: z.int(), red: z.int(), done: z.int() });

export const SectionRef = z.object({ sectionId: z.string(), number: z.int(), title: z.string() });

export const SectionSummary = z.object({ ...SectionRef.shape, tasks: z.int(), ...LightCounts.shape });

export const Target = z.union([
  z.object({ op: z.literal('>='), value: z.number() }),
  z.object({ op: z.literal('<='), value: z.number() }),
  z.object({ op: z.literal('between'), min: z.number(), max: z.number() }),
]);

export const TaskSummary = z.object({
  taskId: z.string(),
  section: SectionRef,
  title: z.string(),
  dueDate: IsoDate,
  leadOrgIds: z.array(z.string()),
  supportOrgIds: z.array(z.string()),
  status: Light,
  progress: z.withMeta(z.number(), { description: 'Task progress 0…1 as used by the pace rule.' }),
  expected: z.withMeta(z.number(), { description: 'Share of the task period elapsed (序时进度), 0…1.' }),
  reasons: z.withMeta(z.array(z.string()), { description: 'Why the light is not green (or why done).' }),
  completedAt: z.withMeta(z.nullable(IsoInstant), {
    description: "Done: when the last lead unit's approved claim was reported (its `reportedAt`); null otherwise.",
  }),
  late: z.withMeta(z.boolean(), { description: '逾期办结: done, but completed after the due date (plan time zone).' }),
  pendingReview: z.withMeta(z.array(z.string()), { description: "Units whose completion claim waits for the office's review (待销号)." }),
});

export const PlanResponse = z.object({
  planId: z.string(),
  version: z.withMeta(z.int().check(z.gte(1)), {
    description: "The plan's version as of today: 1 as encoded from the notice, then one more per amendment (计划调整).",
  }),
  amendments: z.withMeta(z.array(PlanAmendedDetail), {
    description: 'Every amendment of the plan, oldest first; each applies from its `effectiveFrom`.',
  }),
  title: z.string(),
  year: z.int(),
  documentNumber: z.string(),
  issuer: z.string(),
  timeZone: z.string(),
  startDate: IsoDate,
  flags: z.array(z.object({ field: z.string(), message: z.string() })),
  asOf: z.withMeta(IsoDate, { description: 'The business date (plan time zone) the lights are judged as of.' }),
  expected: z.number(),
  summary: LightCounts,
  lateDone: z.withMeta(z.int(), { description: 'Done tasks completed after their due date (逾期办结).' }),
  sections: z.array(SectionSummary),
  tasks: z.array(TaskSummary),
});
export type PlanResponse = z.infer<typeof PlanResponse>;

export const KpiOrgFigure = z.object({
  orgId: z.string(),
  name: z.string(),
  value: z.withMeta(z.nullable(z.number()), {
    description: "The unit's current figure; null for a unit with a quota that has not reported yet.",
  }),
  reportedAt: z.withMeta(z.nullable(z.string()), {
    description: 'When the unit reported this figure (or held the last counted event); null before its first report.',
  }),
  perOrgTarget: z.withMeta(z.optional(z.number()), { description: "The unit's own quota (quota KPIs)." }),
  status: z.withMeta(z.optional(Light), { description: 'Quota KPIs: the unit against its own quota and its own pace.' }),
  progress: z.withMeta(z.optional(z.nullable(z.number())), { description: "Quota KPIs: share of the unit's quota reached." }),
  expected: z.withMeta(z.optional(z.nullable(z.number())), { description: 'Quota KPIs: the figure the unit should have by now.' }),
  reasons: z.withMeta(z.optional(z.array(z.string())), { description: "Quota KPIs: why the unit's status is not green." }),
});

export const KpiBaseline = z.object({
  value: z.number(),
  date: z.withMeta(z.optional(IsoDate), { description: "The date the start value holds on; absent: the plan's start date." }),
  source: z.string(),
});

export const KpiItem = z.object({
  kpiId: z.string(),
  taskId: z.string(),
  name: z.string(),
  unit: z.string(),
  target: Target,
  aggregation: z.enum(['sum_latest', 'latest_of_org', 'count_held_events']),
  pace: z.enum(['linear', 'none']),
  measure: z.withMeta(z.enum(['flow', 'stock']), {
    description: '`flow`: starts the year at 0. `stock`: a year-end count, paced only from its baseline (年初基数), never from 0.',
  }),
  baseline: z.withMeta(z.optional(KpiBaseline), { description: "A stock's declared start value." }),
  stretch: z.withMeta(z.boolean(), { description: '力争: missing the target at the deadline is yellow, not red.' }),
  assumption: z.withMeta(z.boolean(), {
    description: 'True when the target is ours, derived from the notice rather than printed in it; `note` says how.',
  }),
  note: z.optional(z.string()),
  value: z.withMeta(z.nullable(z.number()), { description: 'The city figure; null until anything is reported.' }),
  progress: z.withMeta(z.nullable(z.number()), {
    description: "Share of the target reached (1 = met); for a quota KPI, the mean of the units' shares, each capped at 1.",
  }),
  expected: z.withMeta(z.nullable(z.number()), {
    description: 'The figure expected by now (序时进度); null when judged only at the deadline.',
  }),
  status: Light,
  reasons: z.withMeta(z.array(z.string()), { description: 'Why the status is not green (or why done).' }),
  quota: z.withMeta(z.optional(z.object({ perOrgTarget: z.number(), units: z.int(), met: z.int() })), {
    description: 'Quota KPIs (e.g. 8421 per county): how many units meet their own quota; done only when all do.',
  }),
  byOrg: z.array(KpiOrgFigure),
});

export const KpisResponse = z.object({ planId: z.string(), asOf: IsoDate, kpis: z.array(KpiItem) });
export type KpisResponse = z.infer<typeof KpisResponse>;

export const MilestoneItem = z.object({
  milestoneId: z.string(),
  title: z.string(),
  dueDate: IsoDate,
  assumption: z.withMeta(z.boolean(), {
    description: 'True when the date is ours and unconfirmed: it makes the task yellow at worst (节点日期待确认), never red.',
  }),
  ownerOrgIds: z.withMeta(z.array(z.string()), {
    description: 'The units whose reports complete the milestone (by default the lead units).',
  }),
  completedBy: z.withMeta(z.optional(z.object({ heldEvent: z.object({ categories: z.array(z.string()) }) })), {
    description:
      'A sports event of one of these categories, registered as held for the task by a unit of the task, completes the milestone.',
  }),
  completed: z.boolean(),
});

export const TaskOrgStatus = z.object({
  orgId: z.string(),
  name: z.string(),
  role: z.enum(['lead', 'support']),
  status: z.withMeta(z.nullable(ProgressStatus), { description: "The unit's latest reported status; null before its first report." }),
  percentComplete: z.nullable(z.number()),
  reportedAt: z.nullable(z.string()),
  period: z.nullable(z.string()),
  light: z.withMeta(Light, {
    description:
      "The unit's own light on the task: a lead unit carries the task's light; any other unit is judged on its own reports, quota figures and the milestones it owns. The ranking counts these.",
  }),
  reasons: z.array(z.string()),
  review: z.withMeta(
    z.nullable(
      z.object({
        state: z.enum(REVIEW_STATES),
        claimedReportedAt: z.withMeta(IsoInstant, { description: 'The `reportedAt` of the claim (its `completed` report).' }),
        decidedAt: z.optional(IsoInstant),
        decidedBy: z.optional(z.string()),
        comment: z.optional(z.nullable(z.string())),
      }),
    ),
    {
      description:
        "The unit's completion claim under review: 待销号 (pending), 已销号 (approved), 已退回 (returned); null when its latest status is not `completed`.",
    },
  ),
  completedAt: z.withMeta(z.nullable(IsoInstant), { description: "销号: the approved claim's `reportedAt`; null until approved." }),
  late: z.withMeta(z.boolean(), { description: "逾期办结: approved, but claimed after the task's due date." }),
});

export const ReportsPage = z.object({
  items: z.withMeta(z.array(ProgressSubmittedDetail), { description: 'Reports, newest `reportedAt` first.' }),
  nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page.' }),
});

export const TaskResponse = z.object({
  planId: z.string(),
  asOf: IsoDate,
  ...TaskSummary.shape,
  text: z.string(),
  orgAssignmentAssumed: z.boolean(),
  reporting: z.object({ cycle: z.enum(['monthly', 'quarterly']), dueDay: z.int() }),
  milestones: z.array(MilestoneItem),
  kpis: z.array(KpiItem),
  byOrg: z.array(TaskOrgStatus),
  reviews: z.withMeta(z.array(ReviewRecordedDetail), {
    description: "Every decision of the office on the task's completion claims (销号 / 退回), newest first: the immutable audit rows.",
  }),
  reports: ReportsPage,
});
export type TaskResponse = z.infer<typeof TaskResponse>;

export const OverdueItem = z.object({
  taskId: z.string(),
  milestoneId: z.withMeta(z.optional(z.string()), { description: 'Present when the overdue item is a milestone of the task.' }),
  dateAssumed: z.withMeta(z.optional(z.literal(true)), {
    description:
      'The milestone date is ours, not printed in the notice and not yet confirmed by the office (节点日期待确认): shown, but no alarm — not in the bulletin, no overdue reminder.',
  }),
  title: z.string(),
  dueDate: IsoDate,
  daysOverdue: z.int().check(z.positive()),
  workdaysOverdue: z.withMeta(z.int().check(z.nonnegative()), {
    description: 'Workdays after the due date up to asOf (PRC calendar, 调休 included).',
  }),
  orgIds: z.withMeta(z.array(z.string()), {
    description: 'Lead units whose completion is not approved (销号) yet: no claim, or a claim pending review or returned.',
  }),
});

export const OverdueResponse = z.object({ planId: z.string(), asOf: IsoDate, items: z.array(OverdueItem) });
export type OverdueResponse = z.infer<typeof OverdueResponse>;

export const RankingOrg = z.object({
  orgId: z.string(),
  name: z.string(),
  kind: z.string(),
  rank: z.int().check(z.positive()),
  score: z.withMeta(z.number(), {
    description: "Share of the unit's items whose own light (see TaskOrgStatus.light) is green or done (0…1).",
  }),
  items: z.int(),
  green: z.int(),
  yellow: z.int(),
  red: z.int(),
  done: z.int(),
  overdue: z.int(),
  lateDone: z.withMeta(z.int(), {
    description: 'Of its done items, those completed after the due date (逾期办结); after score, overdue and done, fewer rank first.',
  }),
});

export const RankingsResponse = z.object({ planId: z.string(), asOf: IsoDate, orgs: z.array(RankingOrg) });
export type RankingsResponse = z.infer<typeof RankingsResponse>;

/** One completion claim (申请办结) for the office's review list. */
export const ReviewItem = z.object({
  taskId: z.string(),
  title: z.withMeta(z.string(), { description: "The task's title." }),
  dueDate: IsoDate,
  orgId: z.string(),
  name: z.withMeta(z.string(), { description: "The unit's name." }),
  role: z.enum(['lead', 'support']),
  state: z.enum(REVIEW_STATES),
  claim: ClaimRef,
  claimedAt: z.withMeta(z.nullable(IsoInstant), {
    description: "When the claim was received (its audit row's `receivedAt`); null if the row is not found.",
  }),
  reportedAt: z.withMeta(IsoInstant, { description: "The claim's own `reportedAt`: the completion date once approved." }),
  late: z.withMeta(z.boolean(), {
    description: "The claim is dated after the task's due date: approving it is a late completion (逾期办结).",
  }),
  percentComplete: z.nullable(z.number()),
  summary: z.withMeta(z.string(), { description: "The claim's summary (from its audit row; empty if not found)." }),
  evidence: z.withMeta(z.array(Evidence), { description: "The claim's evidence (佐证材料)." }),
  kpis: z.withMeta(
    z.array(
      z.object({
        kpiId: z.string(),
        name: z.string(),
        unit: z.string(),
        target: Target,
        value: z.withMeta(z.nullable(z.number()), { description: 'The city figure now.' }),
        orgValue: z.withMeta(z.nullable(z.number()), { description: "The claiming unit's own current figure; null when it reports none." }),
        progress: z.nullable(z.number()),
        status: Light,
      }),
    ),
    { description: "The task's KPIs as they stand now, against target: what the office checks the claim against." },
  ),
  decision: z.withMeta(z.nullable(ReviewRecordedDetail), { description: 'The decision on this claim, once taken.' }),
});

export const ReviewsResponse = z.object({
  planId: z.string(),
  asOf: IsoDate,
  state: z.enum(REVIEW_STATES),
  items: z.withMeta(z.array(ReviewItem), { description: 'Claims in that state, oldest `reportedAt` first.' }),
  nextCursor: z.nullable(z.string()),
});
export type ReviewsResponse = z.infer<typeof ReviewsResponse>;

export const EventsResponse = z.object({
  items: z.withMeta(z.array(EventRegisteredDetail), { description: 'Events, latest startDate first.' }),
  nextCursor: z.nullable(z.string()),
});
export type EventsResponse = z.infer<typeof EventsResponse>;

export const SnapshotItem = z.object({
  date: IsoDate,
  createdAt: IsoInstant,
  expected: z.number(),
  summary: LightCounts,
  kpis: z.array(z.object({ kpiId: z.string(), value: z.nullable(z.number()), progress: z.nullable(z.number()), status: Light })),
  tasks: z.array(z.object({ taskId: z.string(), status: Light, progress: z.number() })),
  sections: z.array(SectionSummary),
});

export const SnapshotsResponse = z.object({ planId: z.string(), from: IsoDate, to: IsoDate, items: z.array(SnapshotItem) });
export type SnapshotsResponse = z.infer<typeof SnapshotsResponse>;

export const WebhookAccepted = z.object({ id: z.withMeta(z.string(), { description: 'The `webhook-id` that was accepted.' }) });
