import * as z from '../zod.js';
import { EVENT_CATEGORIES } from '../../events/schemas.js';

/** A calendar date (no time) in the plan's time zone, e.g. `2023-12-31`. */
export const LocalDate = z.iso.date();
export type LocalDate = z.infer<typeof LocalDate>;

export const TaskId = z.string().check(z.regex(/^T\d{2}$/, 'taskId is T01…T99'));
export const KpiId = z.string().check(z.regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'kpiId is lower-case kebab'));
export const MilestoneId = z.string().check(z.regex(/^T\d{2}-M\d{1,2}$/, 'milestoneId is T01-M1…'));
export const OrgId = z.string().check(z.regex(/^[0-9a-z-]{2,40}$/));

/** A numeric target. `between` (力争 min–max) is met from `min` on; `max` is the upper aim, and exceeding it is not a failure. */
export const Target = z
  .discriminatedUnion('op', [
    z.object({ op: z.literal('>='), value: z.number().check(z.nonnegative()) }),
    z.object({ op: z.literal('<='), value: z.number().check(z.nonnegative()) }),
    z.object({ op: z.literal('between'), min: z.number().check(z.nonnegative()), max: z.number().check(z.nonnegative()) }),
  ])
  .check(z.refine((t) => t.op !== 'between' || t.min <= t.max, { message: 'between needs min ≤ max' }));
export type Target = z.infer<typeof Target>;

/**
 * How the city figure of a KPI is built from what units report or register.
 * - `sum_latest`: sum over units of each unit's latest cumulative figure.
 * - `latest_of_org`: the latest figure reported by one unit (e.g. a city-wide rank).
 * - `count_held_events`: the number of held sports events linked to the task (optionally by category).
 */
export const Aggregation = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sum_latest') }),
  z.object({ kind: z.literal('latest_of_org'), orgId: OrgId }),
  z.object({
    kind: z.literal('count_held_events'),
    categories: z.optional(z.array(z.enum(EVENT_CATEGORIES))),
  }),
]);
export type Aggregation = z.infer<typeof Aggregation>;

/** A declared start value of a stock KPI: the figure on `date` (default: the plan's start date). */
export const Baseline = z.object({
  value: z.number().check(z.nonnegative()),
  date: z.optional(z.iso.date()),
  /** Where the figure comes from (e.g. 市体彩中心2022年末统计). */
  source: z.string().check(z.minLength(1)),
});
export type Baseline = z.infer<typeof Baseline>;

export const Kpi = z.object({
  kpiId: KpiId,
  taskId: TaskId,
  name: z.string().check(z.minLength(1)),
  unit: z.string().check(z.minLength(1)),
  target: Target,
  aggregation: Aggregation,
  /** `linear`: the expected figure grows with elapsed time (序时进度); `none`: judged only at the deadline. */
  pace: z._default(z.enum(['linear', 'none']), 'linear'),
  /**
   * `flow`: a figure that starts the year at 0 (sales, events held, schools selected for a new
   * programme), paced from 0. `stock`: a year-end count of something that already exists (clubs,
   * lottery outlets): never paced from 0, only from `baseline`, and judged only at the deadline
   * while no baseline is declared.
   */
  measure: z._default(z.enum(['flow', 'stock']), 'flow'),
  /** A stock's declared start value (年初基数): a linear KPI is paced from it to the target. */
  baseline: z.optional(Baseline),
  /**
   * A per-unit quota (e.g. 8421: 8 primary schools per county). The KPI is then judged unit by unit:
   * each reporting unit against its own quota and pace, done only when every one meets it.
   */
  perOrgTarget: z.optional(z.number().check(z.nonnegative())),
  /** 力争: the notice asks to strive for the target; missing it at the deadline is yellow, not red. */
  stretch: z._default(z.boolean(), false),
  /** True when the target is ours (derived from the notice's wording, not printed as a number). */
  assumption: z._default(z.boolean(), false),
  /** Why the target reads as it does, for the office to confirm (e.g. the threshold chosen for an assumption). */
  note: z.optional(z.string().check(z.minLength(1))),
  /**
   * The units whose reports count for this KPI; a subset of the task's lead and support units. Absent: all
   * of the task's units. A report of the KPI from any other unit is refused at ingest (422) and ignored by
   * evaluation, so that a unit cannot move a figure it does not own.
   */
  reportingOrgIds: z.optional(z.array(OrgId).check(z.minLength(1))),
  /** A rank (1 = first, lower is better): reported values must be integers ≥ 1. */
  rank: z.optional(z.boolean()),
  /** The notice's own words the target comes from. */
  source: z.string().check(z.minLength(1)),
});
export type Kpi = z.infer<typeof Kpi>;

/**
 * What else completes a milestone besides an owner's report: a sports event of one of `categories`,
 * registered as held for the milestone's task by a unit of that task (e.g. the marathon for T13).
 */
export const MilestoneCompletion = z.object({
  heldEvent: z.object({ categories: z.array(z.enum(EVENT_CATEGORIES)).check(z.minLength(1)) }),
});
export type MilestoneCompletion = z.infer<typeof MilestoneCompletion>;

export const Milestone = z.object({
  milestoneId: MilestoneId,
  title: z.string().check(z.minLength(1)),
  dueDate: LocalDate,
  /**
   * True when the date is ours, not printed in the notice, and the office has not confirmed it: such a
   * date can make its task yellow at worst (节点日期待确认), never red.
   */
  assumption: z._default(z.boolean(), false),
  /** The units answerable for the milestone, whose reports complete it. Absent: the task's lead units. */
  ownerOrgIds: z.optional(z.array(OrgId).check(z.minLength(1))),
  completedBy: z.optional(MilestoneCompletion),
});
export type Milestone = z.infer<typeof Milestone>;

export const ReportingCycle = z.object({
  cycle: z.enum(['monthly', 'quarterly']),
  /** Day of the period's last month by which the report for that period is due (1–28). */
  dueDay: z.int().check(z.gte(1), z.lte(28)),
});
export type ReportingCycle = z.infer<typeof ReportingCycle>;

export const Task = z.object({
  taskId: TaskId,
  sectionId: z.string().check(z.minLength(1)),
  title: z.string().check(z.minLength(1)),
  text: z.string().check(z.minLength(1)),
  leadOrgIds: z.array(OrgId).check(z.minLength(1)),
  supportOrgIds: z._default(z.array(OrgId), []),
  /** The notice names no unit per item: true marks our editable default assignment. */
  orgAssignmentAssumed: z._default(z.boolean(), true),
  dueDate: LocalDate,
  milestones: z._default(z.array(Milestone), []),
  kpis: z._default(z.array(Kpi), []),
  reporting: ReportingCycle,
});
export type Task = z.infer<typeof Task>;

export const Section = z.object({
  sectionId: z.string().check(z.minLength(1)),
  number: z.int().check(z.positive()),
  title: z.string().check(z.minLength(1)),
});
export type Section = z.infer<typeof Section>;

/** Thresholds for the traffic light (红黄绿灯). */
export const StatusConfig = z.object({
  /** Yellow when progress trails the elapsed share of the period by more than this (0–1). */
  paceMargin: z._default(z.number().check(z.gte(0), z.lte(1)), 0.1),
  /** Yellow when the due date is this many days away or fewer and the item is not done. */
  dueSoonDays: z._default(z.int().check(z.gte(0)), 7),
});
export type StatusConfig = z.infer<typeof StatusConfig>;

/** Reminder policy (催办); every threshold per plan. */
export const ReminderConfig = z.object({
  dueSoonDays: z._default(z.array(z.int().check(z.positive())), [7, 3, 1]),
  escalateAfterWorkdays: z._default(z.int().check(z.positive()), 3),
  escalateEveryWorkdays: z._default(z.int().check(z.positive()), 3),
  stagnantDays: z._default(z.int().check(z.positive()), 30),
  includeSupportOrgs: z._default(z.boolean(), false),
});
export type ReminderConfig = z.infer<typeof ReminderConfig>;

export const Plan = z
  .object({
    planId: z.string().check(z.regex(/^[a-z0-9-]{3,64}$/)),
    title: z.string().check(z.minLength(1)),
    year: z.int().check(z.gte(2000), z.lte(2100)),
    documentNumber: z.string().check(z.minLength(1)),
    issuer: z.string().check(z.minLength(1)),
    /** The issue date exactly as printed on the notice. */
    issueDatePrinted: z.string().check(z.minLength(1)),
    /** Data-quality flags a reader should see (e.g. a printed date that contradicts the year). */
    flags: z._default(z.array(z.object({ field: z.string(), message: z.string() })), []),
    timeZone: z.string().check(z.minLength(1)),
    /** First day of the period the expected pace is measured from. */
    startDate: LocalDate,
    sections: z.array(Section).check(z.minLength(1)),
    tasks: z.array(Task).check(z.minLength(1)),
    status: z._default(StatusConfig, { paceMargin: 0.1, dueSoonDays: 7 }),
    /**
     * The plan's version: 1 as encoded (the notice, reviewed); each plan amendment (计划调整) of the
     * office makes the next (shared/plan/amendment.ts). The code stays the baseline.
     */
    version: z._default(z.int().check(z.gte(1)), 1),
    reminders: z._default(ReminderConfig, {
      dueSoonDays: [7, 3, 1],
      escalateAfterWorkdays: 3,
      escalateEveryWorkdays: 3,
      stagnantDays: 30,
      includeSupportOrgs: false,
    }),
  })
  .check(
    z.superRefine((plan, ctx) => {
      const sectionIds = new Set(plan.sections.map((s) => s.sectionId));
      const taskIds = new Set<string>();
      const kpiIds = new Set<string>();
      const milestoneIds = new Set<string>();
      plan.tasks.forEach((task, i) => {
        if (taskIds.has(task.taskId))
          ctx.addIssue({ code: 'custom', path: ['tasks', i, 'taskId'], message: `duplicate taskId ${task.taskId}` });
        taskIds.add(task.taskId);
        if (!sectionIds.has(task.sectionId))
          ctx.addIssue({ code: 'custom', path: ['tasks', i, 'sectionId'], message: `unknown section ${task.sectionId}` });
        task.kpis.forEach((kpi, j) => {
          if (kpiIds.has(kpi.kpiId))
            ctx.addIssue({ code: 'custom', path: ['tasks', i, 'kpis', j, 'kpiId'], message: `duplicate kpiId ${kpi.kpiId}` });
          kpiIds.add(kpi.kpiId);
          if (kpi.taskId !== task.taskId)
            ctx.addIssue({
              code: 'custom',
              path: ['tasks', i, 'kpis', j, 'taskId'],
              message: `kpi ${kpi.kpiId} sits under ${task.taskId} but names ${kpi.taskId}`,
            });
          const units = new Set([...task.leadOrgIds, ...task.supportOrgIds]);
          (kpi.reportingOrgIds ?? []).forEach((orgId, k) => {
            if (!units.has(orgId))
              ctx.addIssue({
                code: 'custom',
                path: ['tasks', i, 'kpis', j, 'reportingOrgIds', k],
                message: `${orgId} is not a unit of ${task.taskId}`,
              });
          });
          if (kpi.baseline && kpi.measure !== 'stock')
            ctx.addIssue({ code: 'custom', path: ['tasks', i, 'kpis', j, 'baseline'], message: 'only a stock KPI has a baseline' });
          if (kpi.perOrgTarget !== undefined && kpi.aggregation.kind !== 'sum_latest') {
            ctx.addIssue({ code: 'custom', path: ['tasks', i, 'kpis', j, 'perOrgTarget'], message: 'a per-unit quota needs sum_latest' });
          }
        });
        task.milestones.forEach((m, j) => {
          if (milestoneIds.has(m.milestoneId))
            ctx.addIssue({ code: 'custom', path: ['tasks', i, 'milestones', j], message: `duplicate milestoneId ${m.milestoneId}` });
          milestoneIds.add(m.milestoneId);
          if (!m.milestoneId.startsWith(`${task.taskId}-`))
            ctx.addIssue({
              code: 'custom',
              path: ['tasks', i, 'milestones', j],
              message: `milestone ${m.milestoneId} must start with ${task.taskId}-`,
            });
          if (m.dueDate > task.dueDate)
            ctx.addIssue({ code: 'custom', path: ['tasks', i, 'milestones', j, 'dueDate'], message: 'milestone due after its task' });
          (m.ownerOrgIds ?? []).forEach((orgId, k) => {
            if (!task.leadOrgIds.includes(orgId) && !task.supportOrgIds.includes(orgId)) {
              ctx.addIssue({
                code: 'custom',
                path: ['tasks', i, 'milestones', j, 'ownerOrgIds', k],
                message: `${orgId} is not a unit of ${task.taskId}`,
              });
            }
          });
        });
      });
    }),
  );
export type Plan = z.infer<typeof Plan>;
export type PlanInput = z.input<typeof Plan>;
