import { Plan, type Kpi, type Milestone, type PlanInput, type Target } from '../schema.js';

/** One field that differs between the draft and the reference plan. */
export interface FieldDiff {
  field: string;
  draft: unknown;
  reference: unknown;
}

export interface KpiRef {
  taskId: string;
  kpiId: string;
  target: Target;
  unit: string;
  source: string;
}

export interface CheckReport {
  draftPlanId: string;
  referencePlanId: string;
  header: FieldDiff[];
  sections: Array<{ sectionId: string } & ({ status: 'missing' | 'extra' } | { status: 'changed'; diffs: FieldDiff[] })>;
  tasks: Array<{ taskId: string } & ({ status: 'missing' | 'extra' } | { status: 'changed'; diffs: FieldDiff[] })>;
  kpis: {
    /** Same target (number and comparison), unit, rank flag and per-unit quota. */
    same: Array<{ taskId: string; draftKpiId: string; referenceKpiId: string }>;
    changed: Array<{ taskId: string; draftKpiId: string; referenceKpiId: string; diffs: FieldDiff[] }>;
    /** In the reference plan, not found in the draft. */
    missing: KpiRef[];
    /** In the draft, not in the reference plan. */
    extra: KpiRef[];
  };
  milestones: {
    same: Array<{ taskId: string; dueDate: string; draftMilestoneId: string; referenceMilestoneId: string }>;
    changed: Array<{ taskId: string; dueDate: string; draftMilestoneId: string; referenceMilestoneId: string; diffs: FieldDiff[] }>;
    missing: Array<{ taskId: string; milestoneId: string; dueDate: string; title: string; assumption: boolean }>;
    extra: CheckReport['milestones']['missing'];
  };
}

const HEADER_FIELDS = ['title', 'year', 'documentNumber', 'issuer', 'issueDatePrinted', 'flags', 'timeZone', 'startDate'] as const;

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function diffFields<T extends object>(draft: T, reference: T, fields: ReadonlyArray<keyof T>): FieldDiff[] {
  return fields.filter((f) => !equal(draft[f], reference[f])).map((f) => ({ field: String(f), draft: draft[f], reference: reference[f] }));
}

/** Character bigrams' Dice coefficient: how much two source sentences share, whatever their length. */
function similarity(a: string, b: string): number {
  const grams = (s: string) => {
    const out = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) out.set(s.slice(i, i + 2), (out.get(s.slice(i, i + 2)) ?? 0) + 1);
    return out;
  };
  const ga = grams(a);
  const gb = grams(b);
  let shared = 0;
  for (const [g, n] of ga) shared += Math.min(n, gb.get(g) ?? 0);
  const total = Math.max(1, a.length - 1 + (b.length - 1));
  return (2 * shared) / total;
}

const KPI_FIELDS = ['target', 'unit', 'rank', 'perOrgTarget'] as const;

function kpiShape(k: Kpi) {
  return { target: k.target, unit: k.unit, rank: k.rank ?? false, perOrgTarget: k.perOrgTarget };
}

function kpiRef(k: Kpi): KpiRef {
  return { taskId: k.taskId, kpiId: k.kpiId, target: k.target, unit: k.unit, source: k.source };
}

type MilestoneRef = CheckReport['milestones']['missing'][number];

function milestoneRef(taskId: string, m: Milestone): MilestoneRef {
  return { taskId, milestoneId: m.milestoneId, dueDate: m.dueDate, title: m.title, assumption: m.assumption };
}

/**
 * Pairs a task's draft KPIs with the reference's: first those identical in target, unit, rank and quota;
 * then those with the same target (the unit or quota differs); then by the words they come from (the
 * number differs). Names, aggregation and pace are not compared: the draft's are placeholders.
 */
function pairKpis(draft: Kpi[], reference: Kpi[], report: CheckReport['kpis']): void {
  const d = [...draft];
  const r = [...reference];
  const take = (match: (a: Kpi, b: Kpi) => boolean, onPair: (a: Kpi, b: Kpi) => void) => {
    for (const a of [...d]) {
      const b = r.find((x) => match(a, x));
      if (!b) continue;
      d.splice(d.indexOf(a), 1);
      r.splice(r.indexOf(b), 1);
      onPair(a, b);
    }
  };
  const changed = (a: Kpi, b: Kpi) =>
    report.changed.push({
      taskId: a.taskId,
      draftKpiId: a.kpiId,
      referenceKpiId: b.kpiId,
      diffs: diffFields(kpiShape(a), kpiShape(b), KPI_FIELDS),
    });
  take(
    (a, b) => equal(kpiShape(a), kpiShape(b)),
    (a, b) => report.same.push({ taskId: a.taskId, draftKpiId: a.kpiId, referenceKpiId: b.kpiId }),
  );
  take((a, b) => equal(a.target, b.target), changed);
  take((a, b) => similarity(a.source, b.source) >= 0.5 || b.source.includes(a.source) || a.source.includes(b.source), changed);
  report.missing.push(...r.map(kpiRef));
  report.extra.push(...d.map(kpiRef));
}

function pairMilestones(taskId: string, draft: Milestone[], reference: Milestone[], report: CheckReport['milestones']): void {
  const r = [...reference];
  for (const a of draft) {
    const b = r.find((x) => x.dueDate === a.dueDate);
    if (!b) {
      report.extra.push(milestoneRef(taskId, a));
      continue;
    }
    r.splice(r.indexOf(b), 1);
    const ids = { taskId, dueDate: a.dueDate, draftMilestoneId: a.milestoneId, referenceMilestoneId: b.milestoneId };
    if (a.assumption === b.assumption) report.same.push(ids);
    else report.changed.push({ ...ids, diffs: [{ field: 'assumption', draft: a.assumption, reference: b.assumption }] });
  }
  report.missing.push(...r.map((b) => milestoneRef(taskId, b)));
}

/**
 * Diffs an imported draft against an existing plan (`--check`): what the importer recovered the same,
 * what it read differently, and what the hand-written plan adds that the notice's text does not say.
 * Units, aggregation, reporting cycles and names are not compared: the draft leaves them to review.
 */
export function checkDraft(draftInput: PlanInput, referenceInput: PlanInput): CheckReport {
  const draft = Plan.parse(draftInput);
  const reference = Plan.parse(referenceInput);
  const report: CheckReport = {
    draftPlanId: draft.planId,
    referencePlanId: reference.planId,
    header: diffFields(draft, reference, HEADER_FIELDS),
    sections: [],
    tasks: [],
    kpis: { same: [], changed: [], missing: [], extra: [] },
    milestones: { same: [], changed: [], missing: [], extra: [] },
  };

  for (const s of reference.sections) {
    const d = draft.sections.find((x) => x.sectionId === s.sectionId);
    if (!d) report.sections.push({ sectionId: s.sectionId, status: 'missing' });
    else {
      const diffs = diffFields(d, s, ['number', 'title']);
      if (diffs.length > 0) report.sections.push({ sectionId: s.sectionId, status: 'changed', diffs });
    }
  }
  for (const d of draft.sections)
    if (!reference.sections.some((s) => s.sectionId === d.sectionId)) report.sections.push({ sectionId: d.sectionId, status: 'extra' });

  for (const t of reference.tasks) {
    const d = draft.tasks.find((x) => x.taskId === t.taskId);
    if (!d) {
      // Paired with nothing, every KPI and milestone of the task is reported missing.
      report.tasks.push({ taskId: t.taskId, status: 'missing' });
      pairKpis([], t.kpis, report.kpis);
      pairMilestones(t.taskId, [], t.milestones, report.milestones);
      continue;
    }
    const diffs = diffFields(d, t, ['sectionId', 'title', 'text', 'dueDate']);
    if (diffs.length > 0) report.tasks.push({ taskId: t.taskId, status: 'changed', diffs });
    pairKpis(d.kpis, t.kpis, report.kpis);
    pairMilestones(t.taskId, d.milestones, t.milestones, report.milestones);
  }
  for (const d of draft.tasks) {
    if (reference.tasks.some((t) => t.taskId === d.taskId)) continue;
    report.tasks.push({ taskId: d.taskId, status: 'extra' });
    pairKpis(d.kpis, [], report.kpis);
    pairMilestones(d.taskId, d.milestones, [], report.milestones);
  }
  return report;
}

function targetText(t: Target): string {
  return t.op === 'between' ? `${t.min}–${t.max}` : `${t.op === '>=' ? '≥' : '≤'} ${t.value}`;
}

function show(v: unknown): string {
  if (v === undefined) return '（无）';
  if (typeof v === 'object' && v !== null && 'op' in v) return targetText(v as Target);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The report as the office reads it, one line a finding (for stderr). */
export function formatCheckReport(report: CheckReport): string[] {
  const lines: string[] = [`核对：草稿 ${report.draftPlanId} 对照现有计划 ${report.referencePlanId}`];
  for (const d of report.header) lines.push(`  文件信息 ${d.field} 不同：草稿 ${show(d.draft)} ／ 现有 ${show(d.reference)}`);
  for (const s of report.sections) {
    if (s.status === 'changed')
      for (const d of s.diffs) lines.push(`  部分 ${s.sectionId} ${d.field} 不同：草稿 ${show(d.draft)} ／ 现有 ${show(d.reference)}`);
    else lines.push(`  部分 ${s.sectionId}：${s.status === 'missing' ? '草稿中没有' : '现有计划中没有'}`);
  }
  for (const t of report.tasks) {
    if (t.status === 'changed')
      for (const d of t.diffs)
        lines.push(`  事项 ${t.taskId} ${d.field} 不同${d.field === 'text' ? '' : `：草稿 ${show(d.draft)} ／ 现有 ${show(d.reference)}`}`);
    else lines.push(`  事项 ${t.taskId}：${t.status === 'missing' ? '草稿中没有' : '现有计划中没有'}`);
  }
  const k = report.kpis;
  lines.push(`  指标：相同 ${k.same.length}，不同 ${k.changed.length}，草稿缺 ${k.missing.length}，草稿多 ${k.extra.length}`);
  for (const c of k.changed)
    for (const d of c.diffs)
      lines.push(`    ${c.taskId} ${c.draftKpiId} ↔ ${c.referenceKpiId} ${d.field}：草稿 ${show(d.draft)} ／ 现有 ${show(d.reference)}`);
  for (const m of k.missing) lines.push(`    草稿缺 ${m.taskId} ${m.kpiId}（${targetText(m.target)} ${m.unit}）：${m.source}`);
  for (const e of k.extra) lines.push(`    草稿多 ${e.taskId} ${e.kpiId}（${targetText(e.target)} ${e.unit}）：${e.source}`);
  const m = report.milestones;
  lines.push(`  节点：相同 ${m.same.length}，不同 ${m.changed.length}，草稿缺 ${m.missing.length}，草稿多 ${m.extra.length}`);
  for (const c of m.changed)
    for (const d of c.diffs) lines.push(`    ${c.taskId} ${c.dueDate} ${d.field}：草稿 ${show(d.draft)} ／ 现有 ${show(d.reference)}`);
  for (const x of m.missing)
    lines.push(`    草稿缺 ${x.taskId} ${x.milestoneId} ${x.dueDate}${x.assumption ? '（推定）' : ''}：${x.title}`);
  for (const x of m.extra) lines.push(`    草稿多 ${x.taskId} ${x.milestoneId} ${x.dueDate}${x.assumption ? '（推定）' : ''}：${x.title}`);
  return lines;
}
