import * as z from '../zod.js';
import { findOrg } from '../org/directory.js';
import { formatChineseDate } from '../time/local-date.js';
import { KpiId, LocalDate, MilestoneId, OrgId, Plan, TaskId, Target } from './schema.js';

/**
 * 计划调整: the office's versioned changes to a plan — a milestone date confirmed (or moved), a target
 * set, the units of a task reassigned. The plan's code (shared/plan/plans/) stays the baseline
 * (version 1); amendments are stored rows (version 2, 3, …), each effective from the business date it
 * was made: the plan as of a date is the baseline with the amendments effective on or before it, so
 * that lights, reminders and snapshots follow the plan as it stood that day.
 */

export const ConfirmMilestone = z.strictObject({
  op: z.literal('confirm_milestone'),
  milestoneId: MilestoneId,
  dueDate: z.withMeta(z.optional(LocalDate), {
    description: "The confirmed date, when it differs from the one the plan has; absent: the plan's date is confirmed as is.",
  }),
});
export const SetTarget = z.strictObject({
  op: z.literal('set_target'),
  kpiId: KpiId,
  target: Target,
});
export const AssignUnits = z
  .strictObject({
    op: z.literal('assign_units'),
    taskId: TaskId,
    leadOrgIds: z.withMeta(z.optional(z.array(OrgId).check(z.minLength(1), z.maxLength(20))), {
      description: "The lead units (牵头单位), replacing the plan's.",
    }),
    supportOrgIds: z.withMeta(z.optional(z.array(OrgId).check(z.maxLength(40))), {
      description: "The support units (配合单位), replacing the plan's.",
    }),
  })
  .check(
    z.refine((c) => c.leadOrgIds !== undefined || c.supportOrgIds !== undefined, { message: 'name leadOrgIds or supportOrgIds (or both)' }),
  );

export const AmendmentChange = z.discriminatedUnion('op', [ConfirmMilestone, SetTarget, AssignUnits]);
export type AmendmentChange = z.infer<typeof AmendmentChange>;

/** `POST /v1/plans/{planId}/amendments`. */
export const AmendmentRequest = z.strictObject({
  reason: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(500)), {
    description: "Why the plan changes (调整事由), e.g. the office's meeting or notice.",
  }),
  changes: z.array(AmendmentChange).check(z.minLength(1), z.maxLength(50)),
});
export type AmendmentRequest = z.infer<typeof AmendmentRequest>;

/** An amendment as stored, answered (201) and put on the bus (`plan.amended`). */
export const PlanAmendedDetail = z.object({
  planId: z.string().check(z.minLength(1)),
  version: z.int().check(z.gte(2)),
  /** The business date (plan time zone) from which the plan reads as amended. */
  effectiveFrom: LocalDate,
  reason: z.string().check(z.minLength(1)),
  changes: z.array(AmendmentChange).check(z.minLength(1)),
  amendedAt: z.iso.datetime({ offset: true }),
  /** Who amended: the JWT's subject in AWS, the office token locally. */
  amendedBy: z.string().check(z.minLength(1), z.maxLength(256)),
});
export type PlanAmendment = z.infer<typeof PlanAmendedDetail>;

export interface AmendmentIssue {
  path: string;
  message: string;
}

/** The plan with `changes` applied, unchecked (see `checkChanges`). */
export function applyChanges(plan: Plan, changes: readonly AmendmentChange[]): Plan {
  const tasks = plan.tasks.map((t) => ({ ...t, milestones: t.milestones.map((m) => ({ ...m })), kpis: t.kpis.map((k) => ({ ...k })) }));
  for (const c of changes) {
    if (c.op === 'confirm_milestone') {
      const m = tasks.flatMap((t) => t.milestones).find((x) => x.milestoneId === c.milestoneId);
      if (!m) continue;
      m.assumption = false;
      if (c.dueDate !== undefined) m.dueDate = c.dueDate;
    } else if (c.op === 'set_target') {
      const k = tasks.flatMap((t) => t.kpis).find((x) => x.kpiId === c.kpiId);
      if (!k) continue;
      k.target = c.target;
      // The office set it: the target is no longer ours to derive, and the note explaining our derivation goes.
      k.assumption = false;
      delete k.note;
    } else {
      const t = tasks.find((x) => x.taskId === c.taskId);
      if (!t) continue;
      if (c.leadOrgIds) t.leadOrgIds = [...c.leadOrgIds];
      if (c.supportOrgIds) t.supportOrgIds = [...c.supportOrgIds];
      t.orgAssignmentAssumed = false;
    }
  }
  return { ...plan, tasks };
}

/**
 * Every issue with `changes` against `plan` (the plan as amended so far), each at the change's path:
 * an id the plan does not have, a milestone that would fall after its task, a unit not in the
 * directory, a unit both lead and support, a KPI's reporting unit or a milestone's owner that would no
 * longer be a unit of the task; then anything else the plan's own rules refuse. Empty: valid.
 */
export function checkChanges(plan: Plan, changes: readonly AmendmentChange[]): AmendmentIssue[] {
  const issues: AmendmentIssue[] = [];
  let current = plan;
  changes.forEach((c, i) => {
    const at = (field: string) => `changes.${i}.${field}`;
    const before = issues.length;
    if (c.op === 'confirm_milestone') {
      const task = current.tasks.find((t) => t.milestones.some((m) => m.milestoneId === c.milestoneId));
      const m = task?.milestones.find((x) => x.milestoneId === c.milestoneId);
      if (!task || !m) issues.push({ path: at('milestoneId'), message: `plan ${plan.planId} has no milestone ${c.milestoneId}` });
      else if ((c.dueDate ?? m.dueDate) > task.dueDate) {
        issues.push({
          path: at('dueDate'),
          message: `${c.milestoneId} would be due ${formatChineseDate(c.dueDate ?? m.dueDate)}, after its task ${task.taskId} (${formatChineseDate(task.dueDate)})`,
        });
      } else if (c.dueDate !== undefined && c.dueDate.slice(0, 4) !== String(plan.year)) {
        issues.push({ path: at('dueDate'), message: `${c.dueDate} is not in the plan's year ${plan.year}` });
      }
    } else if (c.op === 'set_target') {
      const kpi = current.tasks.flatMap((t) => t.kpis).find((k) => k.kpiId === c.kpiId);
      if (!kpi) issues.push({ path: at('kpiId'), message: `plan ${plan.planId} has no KPI ${c.kpiId}` });
      else if (kpi.rank && (c.target.op !== '<=' || !Number.isInteger(c.target.value) || c.target.value < 1)) {
        issues.push({ path: at('target'), message: `${c.kpiId} is a rank: its target is <= a whole number from 1` });
      }
    } else {
      const task = current.tasks.find((t) => t.taskId === c.taskId);
      if (!task) {
        issues.push({ path: at('taskId'), message: `plan ${plan.planId} has no task ${c.taskId}` });
      } else {
        const leads = c.leadOrgIds ?? task.leadOrgIds;
        const supports = c.supportOrgIds ?? task.supportOrgIds;
        for (const [field, list] of [
          ['leadOrgIds', c.leadOrgIds],
          ['supportOrgIds', c.supportOrgIds],
        ] as const) {
          (list ?? []).forEach((orgId, k) => {
            if (!findOrg(orgId)) issues.push({ path: at(`${field}.${k}`), message: `${orgId} is not in the directory of units` });
            else if (list!.indexOf(orgId) !== k) issues.push({ path: at(`${field}.${k}`), message: `${orgId} is named twice` });
          });
        }
        supports.forEach((orgId) => {
          if (leads.includes(orgId))
            issues.push({ path: at('supportOrgIds'), message: `${orgId} cannot be both a lead and a support unit of ${c.taskId}` });
        });
        const units = new Set([...leads, ...supports]);
        for (const kpi of task.kpis) {
          for (const orgId of kpi.reportingOrgIds ?? []) {
            if (!units.has(orgId))
              issues.push({
                path: at('supportOrgIds'),
                message: `${orgId} reports ${kpi.kpiId} and would no longer be a unit of ${c.taskId}`,
              });
          }
          if (kpi.aggregation.kind === 'latest_of_org' && !units.has(kpi.aggregation.orgId)) {
            issues.push({
              path: at('supportOrgIds'),
              message: `${kpi.aggregation.orgId} gives the figure of ${kpi.kpiId} and would no longer be a unit of ${c.taskId}`,
            });
          }
        }
        for (const m of task.milestones) {
          for (const orgId of m.ownerOrgIds ?? []) {
            if (!units.has(orgId))
              issues.push({
                path: at('leadOrgIds'),
                message: `${orgId} owns ${m.milestoneId} and would no longer be a unit of ${c.taskId}`,
              });
          }
        }
      }
    }
    if (issues.length === before) current = applyChanges(current, [c]);
  });
  if (issues.length === 0) {
    // Anything else the plan's own rules refuse (one place for them: the Plan schema).
    const parsed = Plan.safeParse(current);
    if (!parsed.success)
      for (const i of parsed.error.issues)
        issues.push({ path: 'changes', message: `the amended plan breaks a rule at ${i.path.join('.')}: ${i.message}` });
  }
  return issues;
}

/** The amendments effective on `asOf` (a business date), in version order. */
export function effectiveOn(amendments: readonly PlanAmendment[], asOf: string): PlanAmendment[] {
  return amendments.filter((a) => a.effectiveFrom <= asOf).sort((a, b) => a.version - b.version);
}

/** The plan as of `asOf`: the baseline with every amendment effective by then applied; its `version` the last applied. */
export function amendedAsOf(base: Plan, amendments: readonly PlanAmendment[], asOf: string): Plan {
  const effective = effectiveOn(
    amendments.filter((a) => a.planId === base.planId),
    asOf,
  );
  if (effective.length === 0) return base;
  const plan = applyChanges(
    base,
    effective.flatMap((a) => a.changes),
  );
  return { ...plan, version: effective[effective.length - 1]!.version };
}

/** The plan as amended by all its amendments (what a new amendment is checked against). */
export function amendedLatest(base: Plan, amendments: readonly PlanAmendment[]): Plan {
  return amendedAsOf(base, amendments, '9999-12-31');
}
