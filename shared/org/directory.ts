import * as z from '../zod.js';
import { Org, type OrgKind } from './schema.js';

/**
 * The organisation directory (单位目录): the bureau, its offices and direct units, the 11
 * county-level divisions (ids are their GB/T 2260 codes) and the three functional zones the notice
 * is addressed to. The offices and units are a plausible default for a municipal sports bureau
 * (the notice does not list them) and can be edited here.
 */
/**
 * The bureau: the root of the directory, the supervisor escalations go to, and the recipient of what
 * the supervision office (督查室) reads on the bureau's behalf (the monthly bulletin's notice).
 */
export const BUREAU = 'jn-sports-bureau';

const raw: Array<{ orgId: string; name: string; kind: OrgKind; supervisorOrgId?: string | null }> = [
  { orgId: BUREAU, name: '济宁市体育局', kind: 'bureau', supervisorOrgId: null },
  { orgId: 'jn-general-office', name: '办公室', kind: 'office' },
  { orgId: 'jn-party-office', name: '机关党委（人事科）', kind: 'office' },
  { orgId: 'jn-policy-law', name: '政策法规科', kind: 'office' },
  { orgId: 'jn-mass-sports', name: '群众体育科', kind: 'office' },
  { orgId: 'jn-competitive-sports', name: '竞技体育科', kind: 'office' },
  { orgId: 'jn-youth-sports', name: '青少年体育科', kind: 'office' },
  { orgId: 'jn-sports-economy', name: '体育经济科', kind: 'office' },
  { orgId: 'jn-sports-center', name: '市体育中心', kind: 'direct_unit' },
  { orgId: 'jn-sports-school', name: '市体育运动学校', kind: 'direct_unit' },
  { orgId: 'jn-lottery-center', name: '市体育彩票管理中心', kind: 'direct_unit' },
  { orgId: '370811', name: '任城区', kind: 'county' },
  { orgId: '370812', name: '兖州区', kind: 'county' },
  { orgId: '370826', name: '微山县', kind: 'county' },
  { orgId: '370827', name: '鱼台县', kind: 'county' },
  { orgId: '370828', name: '金乡县', kind: 'county' },
  { orgId: '370829', name: '嘉祥县', kind: 'county' },
  { orgId: '370830', name: '汶上县', kind: 'county' },
  { orgId: '370831', name: '泗水县', kind: 'county' },
  { orgId: '370832', name: '梁山县', kind: 'county' },
  { orgId: '370881', name: '曲阜市', kind: 'county' },
  { orgId: '370883', name: '邹城市', kind: 'county' },
  { orgId: 'jn-zone-gaoxin', name: '济宁高新区软环境保障局', kind: 'zone' },
  { orgId: 'jn-zone-taibaihu', name: '太白湖新区教育分局', kind: 'zone' },
  { orgId: 'jn-zone-jingkai', name: '济宁经开区教育分局', kind: 'zone' },
];

export const ORGS: readonly Org[] = z.array(Org).parse(
  raw.map((o) => ({
    ...o,
    supervisorOrgId: o.supervisorOrgId === undefined ? BUREAU : o.supervisorOrgId,
    divisionCode: o.kind === 'county' ? o.orgId : undefined,
  })),
);

export const COUNTY_IDS: string[] = ORGS.filter((o) => o.kind === 'county').map((o) => o.orgId);
export const COUNTY_AND_ZONE_IDS: string[] = ORGS.filter((o) => o.kind === 'county' || o.kind === 'zone').map((o) => o.orgId);

const byId = new Map(ORGS.map((o) => [o.orgId, o]));

export function findOrg(orgId: string): Org | undefined {
  return byId.get(orgId);
}

export function orgName(orgId: string): string {
  return byId.get(orgId)?.name ?? orgId;
}
