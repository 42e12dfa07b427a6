import * as z from '../../zod.js';
import { KpiId, OrgId, Plan } from '../schema.js';

/**
 * What the importer cannot decide, by topic. Each entry names the tasks, KPIs or milestones it concerns
 * (`refs`) and says in the office's words what to check.
 */
export const ReviewTopic = z.enum([
  'plan-id',
  'header',
  'addressees',
  'structure',
  'lead-units',
  'reporting-cycle',
  'due-date',
  'kpi-aggregation',
  'kpi-stretch',
  'kpi-per-county',
  'kpi-relative',
  'kpi-coverage',
  'milestone-assumed',
  'milestone-date',
  'numbers-left-out',
]);
export type ReviewTopic = z.infer<typeof ReviewTopic>;

export const ReviewItem = z.object({
  topic: ReviewTopic,
  refs: z.array(z.string()),
  message: z.string().check(z.minLength(1)),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

/**
 * Draft-only facts about a KPI that the plan schema has no field for yet (`stretch`, `assumption`), and
 * the words the target was read from. When Kpi gains `stretch`/`assumption`, the reviewer copies them in.
 */
export const KpiNote = z.object({
  kpiId: KpiId,
  taskId: z.string(),
  /** The target's words as printed (`达到200个以上`). */
  printed: z.string(),
  /** 力争: missing it is a warning, not a failure. */
  stretch: z.boolean(),
  /** The target is derived, not printed: a per-county quota's total, 第三个 as ≥ 1, 全覆盖 as 100 %. */
  assumption: z.boolean(),
  perCounty: z.optional(z.object({ perOrgTarget: z.number(), counties: z.int().check(z.positive()) })),
  relative: z.boolean(),
  coverage: z.boolean(),
});
export type KpiNote = z.infer<typeof KpiNote>;

export const AddresseeOut = z.object({
  printed: z.string(),
  orgIds: z.array(OrgId),
  match: z.enum(['name', 'group', 'none']),
});

/** The importer's output: a plan draft that validates like a hand-written plan, and what to review. */
export const ImportDraft = z.object({
  kind: z.literal('plan-import-draft'),
  version: z.literal(1),
  source: z.object({ encoding: z.enum(['utf-8', 'gb18030']) }),
  header: z.object({
    issuerOrgId: z.optional(OrgId),
    addressees: z.array(AddresseeOut),
    /** Section paragraphs that sit between a heading and its first item (not part of any task). */
    sectionIntros: z.array(z.object({ sectionId: z.string(), text: z.string() })),
  }),
  plan: Plan,
  kpiNotes: z.array(KpiNote),
  review: z.array(ReviewItem),
});
export type ImportDraft = z.infer<typeof ImportDraft>;

/** Options of an import, parsed at the boundary (the CLI today, an office endpoint later). */
export const ImportOptions = z.object({
  /** The plan's id; by default `<issuer org id>-<year>` (and a review entry). */
  planId: z.optional(Plan.shape.planId),
  timeZone: z._default(z.string().check(z.minLength(1)), 'Asia/Shanghai'),
});
export type ImportOptions = z.input<typeof ImportOptions>;
