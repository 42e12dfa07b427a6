import type { Plan } from '../schema.js';
import type { Addressee } from './addressees.js';
import type { RejectedDate } from './dates.js';
import type { KpiNote, ReviewItem } from './schema.js';
import type { LeftOverNumber } from './targets.js';

/** The placeholders a draft carries where the notice is silent; the review list names each. */
export const PLACEHOLDER = {
  /** Used as lead unit when the issuer is not in the organisation directory: the catalog refuses it until replaced. */
  unknownOrgId: 'unassigned',
  reporting: { cycle: 'quarterly', dueDay: 25 },
} as const;

export interface ReviewInput {
  plan: Plan;
  planIdGiven: boolean;
  issuer: string;
  issuerOrgId: string | undefined;
  headerNotes: string[];
  structureNotes: string[];
  addressees: Addressee[];
  /** Tasks whose text names no deadline of its own (their due date is the year's end). */
  defaultDueTaskIds: string[];
  kpiNotes: KpiNote[];
  rejectedDates: Array<RejectedDate & { taskId: string }>;
  leftOver: Array<LeftOverNumber & { taskId: string }>;
}

/**
 * The review list: everything the draft holds that the notice did not say. Ordered as an office reviews
 * a plan: the header, then units and cycles for all tasks, then each KPI and milestone.
 */
export function buildReview(input: ReviewInput): ReviewItem[] {
  const { plan } = input;
  const review: ReviewItem[] = [];
  const taskIds = plan.tasks.map((t) => t.taskId);
  const kpis = plan.tasks.flatMap((t) => t.kpis);
  const add = (topic: ReviewItem['topic'], refs: string[], message: string) => review.push({ topic, refs, message });

  if (!input.planIdGiven) add('plan-id', [], `计划编号（planId）暂定为“${plan.planId}”，请用 --plan-id 指定正式编号。`);
  for (const flag of plan.flags) add('header', [flag.field], flag.message);
  for (const note of input.headerNotes) add('header', [], `${note}。`);
  const unresolved = input.addressees.filter((a) => a.match === 'none');
  if (unresolved.length > 0) {
    add(
      'addressees',
      unresolved.map((a) => a.printed),
      `主送单位中有 ${unresolved.length} 个在单位目录（shared/org/directory.ts）中找不到：${unresolved.map((a) => `“${a.printed}”`).join('、')}；如需督办，请先在目录中添加。`,
    );
  }
  for (const note of input.structureNotes) add('structure', [], `${note}，请对照原文核对。`);

  const lead = input.issuerOrgId
    ? `发文单位“${input.issuer}”（${input.issuerOrgId}）`
    : `占位单位“${PLACEHOLDER.unknownOrgId}”（发文单位“${input.issuer}”不在单位目录中，计划在替换前无法加载）`;
  add(
    'lead-units',
    taskIds,
    `通知未逐项明确牵头单位和配合单位：草稿暂以${lead}为牵头单位、配合单位为空，并标记 orgAssignmentAssumed: true。请逐项指定牵头、配合单位。`,
  );
  add(
    'reporting-cycle',
    taskIds,
    `通知未规定进度报送周期：草稿暂定每季度报送、季末月${PLACEHOLDER.reporting.dueDay}日前报（reporting: quarterly/${PLACEHOLDER.reporting.dueDay}）。请逐项确定按月或按季度报送。`,
  );
  if (input.defaultDueTaskIds.length > 0) {
    add('due-date', input.defaultDueTaskIds, `以下事项正文未写完成时限，草稿暂按年底（${plan.year}-12-31）办结，请核对。`);
  }

  if (kpis.length > 0) {
    add(
      'kpi-aggregation',
      kpis.map((k) => k.kpiId),
      '通知未规定指标的汇总口径：草稿暂按“各单位最新累计数相加”（sum_latest），排名和“第N个”类指标暂按“牵头单位填报的最新数”（latest_of_org）；序时进度（pace）暂按累计类 linear、区间/排名/一次性类 none。请逐项确定汇总口径、填报单位和是否按序时进度考核。',
    );
  }
  const stretch = input.kpiNotes.filter((n) => n.stretch);
  if (stretch.length > 0) {
    add(
      'kpi-stretch',
      stretch.map((n) => n.kpiId),
      '以下指标前有“力争”，属争取性目标（未达到为预警，不算未完成），草稿已标注 stretch，请审核确认。',
    );
  }
  // One entry per task: a county quota is printed as one list (8所小学、4所初中、2所高中，与1所…).
  const perCounty = input.kpiNotes.filter((x) => x.perCounty);
  for (const taskId of [...new Set(perCounty.map((n) => n.taskId))]) {
    const notes = perCounty.filter((n) => n.taskId === taskId);
    const counties = notes[0]!.perCounty!.counties;
    const totals = notes.map((n) => {
      const k = kpis.find((x) => x.kpiId === n.kpiId)!;
      return `${n.perCounty!.perOrgTarget}${k.unit} → ${'value' in k.target ? k.target.value : ''}${k.unit}`;
    });
    add(
      'kpi-per-county',
      notes.map((n) => n.kpiId),
      `${taskId}的指标按每个县（市、区）下达：草稿设每县配额（perOrgTarget），全市合计按目录中的 ${counties} 个县（市、区）计（${totals.join('，')}），功能区未计入。请核对合计口径，并把各县（市、区）列为该事项的配合单位。`,
    );
  }
  const relative = input.kpiNotes.filter((n) => n.relative);
  if (relative.length > 0) {
    add(
      'kpi-relative',
      relative.map((n) => n.kpiId),
      `“${relative.map((n) => n.printed).join('”“')}”表示在现有基础上再增加：草稿记为本市新增 ≥ 1，请核对。`,
    );
  }
  const coverage = input.kpiNotes.filter((n) => n.coverage);
  if (coverage.length > 0) {
    add(
      'kpi-coverage',
      coverage.map((n) => n.kpiId),
      '“全覆盖”草稿记为覆盖率 ≥ 100%，请确认覆盖率的统计口径（覆盖对象和总数）。',
    );
  }

  const assumed = plan.tasks.flatMap((t) =>
    t.milestones.filter((m) => m.assumption).map((m) => `${m.milestoneId}（${m.title}：${m.dueDate}）`),
  );
  if (assumed.length > 0) {
    add(
      'milestone-assumed',
      plan.tasks.flatMap((t) => t.milestones.filter((m) => m.assumption).map((m) => m.milestoneId)),
      `以下节点的日期由时段推定（上半年、三季度、年底前等取该时段最后一天，assumption: true），请核对：${assumed.join('；')}。`,
    );
  }
  for (const r of input.rejectedDates) add('milestone-date', [r.taskId], `${r.taskId}中的日期“${r.printed}”未作节点：${r.reason}。`);
  if (input.leftOver.length > 0) {
    add(
      'numbers-left-out',
      [...new Set(input.leftOver.map((l) => l.taskId))],
      `以下数字未转为指标，请确认是否需要：${input.leftOver.map((l) => `${l.taskId}“${l.printed}”（${l.context}）`).join('；')}。`,
    );
  }
  return review;
}
