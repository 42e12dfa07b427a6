import { ORGS } from '../../org/directory.js';
import type { OrgKind } from '../../org/schema.js';

/** One addressee as printed, and the directory's units it stands for. */
export interface Addressee {
  printed: string;
  orgIds: string[];
  /** How it was resolved: by exact name, or as a group (各县（市、区）…, 机关各科室, 各直属单位). */
  match: 'name' | 'group' | 'none';
}

const byKind = (kind: OrgKind) => ORGS.filter((o) => o.kind === kind).map((o) => o.orgId);

/** Group words of a 主送 line and the kind of unit they address. */
const GROUPS: Array<{ pattern: RegExp; kind: OrgKind }> = [
  { pattern: /^各县(?:（市、区）|\(市、区\)|市区|区)/, kind: 'county' },
  { pattern: /^(?:机关)?各(?:科室|处室|科（室）)$/, kind: 'office' },
  { pattern: /^(?:各|局属各?)直属单位$|^局属各单位$/, kind: 'direct_unit' },
  { pattern: /^各功能区/, kind: 'zone' },
];

/** Splits on 、，, outside parentheses: 各县（市、区）教体局 is one addressee. */
function split(line: string): Array<{ text: string; groupStart: boolean }> {
  const parts: Array<{ text: string; groupStart: boolean }> = [];
  let depth = 0;
  let buf = '';
  let groupStart = true;
  for (const c of line) {
    if (c === '（' || c === '(') depth++;
    if (c === '）' || c === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (c === '、' || c === '，' || c === ',' || c === '；')) {
      if (buf.trim()) parts.push({ text: buf.trim(), groupStart });
      buf = '';
      groupStart = c !== '、';
      continue;
    }
    buf += c;
  }
  if (buf.trim()) parts.push({ text: buf.trim(), groupStart });
  return parts;
}

/**
 * Maps the 主送 line to units of the organisation directory, by exact name or by group word. An
 * elliptical addressee inherits its group: in “各县（市、区）教体局、体育中心” the 体育中心 are the
 * counties' own. What matches nothing is returned with `match: 'none'` for the review list.
 */
export function resolveAddressees(line: string): Addressee[] {
  const out: Addressee[] = [];
  let group: Addressee | undefined;
  for (const { text, groupStart } of split(line)) {
    if (groupStart) group = undefined;
    const named = ORGS.find((o) => o.name === text);
    if (named) {
      out.push({ printed: text, orgIds: [named.orgId], match: 'name' });
      continue;
    }
    const g = GROUPS.find((x) => x.pattern.test(text));
    if (g) {
      group = { printed: text, orgIds: byKind(g.kind), match: 'group' };
      out.push(group);
      continue;
    }
    if (group && !groupStart) {
      out.push({ printed: text, orgIds: group.orgIds, match: 'group' });
      continue;
    }
    out.push({ printed: text, orgIds: [], match: 'none' });
  }
  return out;
}
