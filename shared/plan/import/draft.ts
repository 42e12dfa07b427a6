import { COUNTY_IDS, ORGS } from '../../org/directory.js';
import { Plan, type Milestone, type PlanInput } from '../schema.js';

type Kpi = PlanInput['tasks'][number]['kpis'] extends (infer K)[] | undefined ? K : never;
import { resolveAddressees } from './addressees.js';
import { findDates, type RejectedDate } from './dates.js';
import { decodeNotice, type NoticeEncoding } from './decode.js';
import { DraftInvalidError, NoticeFormatError } from '../errors.js';
import { parseHeader } from './header.js';
import { PLACEHOLDER, buildReview } from './review.js';
import { ImportDraft, ImportOptions, type KpiNote } from './schema.js';
import { workingText } from './sentences.js';
import { parseBody } from './structure.js';
import { findTargets, maskSpans, yearSpans, type FoundTarget, type LeftOverNumber } from './targets.js';

/** A deadline word in an item's text that makes the year's end the item's own deadline, not a default. */
const YEAR_END_WORDS = /年底|年末|年内|全年/;

function kpiFrom(taskId: string, n: number, t: FoundTarget, leadOrgId: string): Kpi {
  // A rank or a "one more" is one figure the lead unit reports; a count is summed over the units (both on the review list).
  const single = t.rank || t.relative;
  const oneOff = t.rank || t.relative || t.coverage || t.target.op === 'between';
  return {
    kpiId: `${taskId.toLowerCase()}-k${n}`,
    taskId,
    name: t.name,
    unit: t.unit,
    target: t.target,
    aggregation: single ? { kind: 'latest_of_org', orgId: leadOrgId } : { kind: 'sum_latest' },
    pace: oneOff ? 'none' : 'linear',
    ...(t.perCounty ? { perOrgTarget: t.perCounty.perOrgTarget } : {}),
    ...(t.rank ? { rank: true } : {}),
    ...(t.stretch ? { stretch: true } : {}),
    source: t.source,
  };
}

/**
 * Reads one item's text: its dates first (so that 5.19 is not read as a number), then its targets, with
 * quotes, dates and years masked. Per-county quotas multiply by the directory's counties.
 */
export function readItem(text: string, year: number, countyCount = COUNTY_IDS.length) {
  const working = workingText(text);
  const dates = findDates(text, working, year);
  const masked = maskSpans(working, [...dates.consumed, ...yearSpans(working)]);
  return { dates, found: findTargets(text, masked, countyCount) };
}

/**
 * Imports a 工作要点 notice: its text (or its file's bytes, UTF-8 or GB18030) in, a draft plan and the
 * review list out. Pure: no file, clock or network. The draft validates against the same schema as a
 * hand-written plan; where the notice is silent (units, aggregation, reporting cycle) it holds a marked
 * placeholder that the review list names.
 */
export function importNotice(input: string | Uint8Array, rawOptions: ImportOptions = {}): ImportDraft {
  const options = ImportOptions.parse(rawOptions);
  const { text, encoding }: { text: string; encoding: NoticeEncoding } =
    typeof input === 'string' ? { text: input, encoding: 'utf-8' } : decodeNotice(input);
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n');

  const body = parseBody(lines);
  if (body.sections.length === 0 || body.items.length === 0) {
    throw new NoticeFormatError(
      '没有找到“一、”这样的部分标题和“1.”或“（一）”这样的编号事项，不像一份工作要点。 / No numbered sections and items found: this does not read as a work-plan notice.',
    );
  }
  if (body.items.length > 99)
    throw new NoticeFormatError(`编号事项有 ${body.items.length} 项，超过 99 项（T01…T99）。 / More than 99 items.`);
  const header = parseHeader(body.headerLines);
  if (header.year === undefined) {
    throw new NoticeFormatError('标题和文号中都找不到年度（如“2023年”“〔2023〕”）。 / No year in the title or the document number.');
  }
  const year = header.year;
  const issuer = header.issuer ?? '（未找到发文单位）';
  const issuerOrgId = ORGS.find((o) => o.name === issuer)?.orgId;
  const leadOrgId = issuerOrgId ?? PLACEHOLDER.unknownOrgId;
  const yearEnd = `${year}-12-31`;
  const addressees = header.addresseeLine ? resolveAddressees(header.addresseeLine) : [];

  const kpiNotes: KpiNote[] = [];
  const rejectedDates: Array<RejectedDate & { taskId: string }> = [];
  const leftOver: Array<LeftOverNumber & { taskId: string }> = [];
  const defaultDueTaskIds: string[] = [];

  const tasks: PlanInput['tasks'] = body.items.map((item, i) => {
    const taskId = `T${String(i + 1).padStart(2, '0')}`;
    const { dates, found } = readItem(item.text, year);
    rejectedDates.push(...dates.rejected.map((r) => ({ ...r, taskId })));
    leftOver.push(...found.leftOver.map((l) => ({ ...l, taskId })));

    const kpis = found.targets.map((t, k) => {
      const kpi = kpiFrom(taskId, k + 1, t, leadOrgId);
      kpiNotes.push({
        kpiId: kpi.kpiId,
        taskId,
        printed: t.printed,
        stretch: t.stretch,
        assumption: t.perCounty !== undefined || t.relative || t.coverage,
        ...(t.perCounty ? { perCounty: t.perCounty } : {}),
        relative: t.relative,
        coverage: t.coverage,
      });
      return kpi;
    });

    const seen = new Set<string>();
    const milestones: Milestone[] = [];
    for (const d of dates.dates) {
      const title = d.title || d.printed;
      const key = `${d.dueDate}|${title}`;
      if (seen.has(key)) continue;
      seen.add(key);
      milestones.push({ milestoneId: `${taskId}-M${milestones.length + 1}`, title, dueDate: d.dueDate, assumption: d.assumption });
    }
    const latest = milestones.reduce((max, m) => (m.dueDate > max ? m.dueDate : max), yearEnd);
    if (!YEAR_END_WORDS.test(item.text) && latest === yearEnd) defaultDueTaskIds.push(taskId);

    return {
      taskId,
      sectionId: `S${item.sectionNumber}`,
      title: item.title,
      text: item.text,
      leadOrgIds: [leadOrgId],
      supportOrgIds: [],
      orgAssignmentAssumed: true,
      dueDate: latest,
      milestones,
      kpis,
      reporting: { ...PLACEHOLDER.reporting },
    };
  });

  const draft: PlanInput = {
    planId: options.planId ?? `${issuerOrgId ?? 'plan'}-${year}`,
    title: header.title ?? `${issuer}${year}年工作要点`,
    year,
    documentNumber: header.documentNumber ?? '（未找到文号）',
    issuer,
    issueDatePrinted: header.issueDatePrinted ?? '（未找到印发日期）',
    flags: header.flags,
    timeZone: options.timeZone,
    startDate: `${year}-01-01`,
    sections: body.sections.map((s) => ({ sectionId: `S${s.number}`, number: s.number, title: s.title })),
    tasks,
  };
  const parsed = Plan.safeParse(draft);
  if (!parsed.success) {
    throw new DraftInvalidError(
      `草稿未通过计划结构校验（导入程序缺陷）：${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const plan = parsed.data;

  return ImportDraft.parse({
    kind: 'plan-import-draft',
    version: 1,
    source: { encoding },
    header: {
      ...(issuerOrgId ? { issuerOrgId } : {}),
      addressees,
      sectionIntros: body.sections.filter((s) => s.intro).map((s) => ({ sectionId: `S${s.number}`, text: s.intro })),
    },
    plan,
    kpiNotes,
    review: buildReview({
      plan,
      planIdGiven: options.planId !== undefined,
      issuer,
      issuerOrgId,
      headerNotes: header.notes,
      structureNotes: body.notes,
      addressees,
      defaultDueTaskIds,
      kpiNotes,
      rejectedDates,
      leftOver,
    }),
  });
}
