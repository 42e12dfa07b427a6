import type * as z from '../zod.js';
import { LIGHTS, type Light } from '../status/light.js';
import type { PlanSnapshot } from '../ports/snapshots.js';
import type { SnapshotItem } from './responses.js';

export type TrendItem = z.infer<typeof SnapshotItem>;

/** A day of the trend (what `GET …/snapshots` serves) from the day's evaluated plan. */
export function snapshotItem(s: PlanSnapshot): TrendItem {
  const v = s.view;
  return {
    date: s.date,
    createdAt: s.createdAt,
    expected: v.expected,
    summary: v.summary,
    kpis: v.kpis.map((k) => ({ kpiId: k.kpiId, value: k.value, progress: k.progress, status: k.status })),
    tasks: v.tasks.map((t) => ({ taskId: t.taskId, status: t.status, progress: t.progress })),
    sections: v.sections,
  };
}

type Counts = [number, number, number, number];
/** The stored form: positional arrays, lights as their index in LIGHTS — about a third of the object's size. */
interface Packed {
  v: 1;
  c: string;
  e: number;
  s: Counts;
  k: Array<[string, number | null, number | null, number]>;
  t: Array<[string, number, number]>;
  x: Array<[string, number, string, number, ...Counts]>;
}

const light = (l: Light) => LIGHTS.indexOf(l);
const lightAt = (i: number): Light => {
  const l = LIGHTS[i];
  if (!l) throw new Error(`trend item: no light ${i}`);
  return l;
};
const counts = (c: { green: number; yellow: number; red: number; done: number }): Counts => [c.green, c.yellow, c.red, c.done];
const fromCounts = ([green, yellow, red, done]: number[]) => ({ green: green!, yellow: yellow!, red: red!, done: done! });

/**
 * The compact trend item kept beside each day's full snapshot: a year of it is one query of about
 * 0.6 MB (≈ 75 read units), where the full snapshots are ≈ 22 MB (≈ 2,800).
 */
export function encodeTrend(item: TrendItem): string {
  const packed: Packed = {
    v: 1,
    c: item.createdAt,
    e: item.expected,
    s: counts(item.summary),
    k: item.kpis.map((k) => [k.kpiId, k.value, k.progress, light(k.status)]),
    t: item.tasks.map((t) => [t.taskId, light(t.status), t.progress]),
    x: item.sections.map((s) => [s.sectionId, s.number, s.title, s.tasks, ...counts(s)]),
  };
  return JSON.stringify(packed);
}

export function decodeTrend(date: string, encoded: string): TrendItem {
  const p = JSON.parse(encoded) as Packed;
  if (p.v !== 1) throw new Error(`trend item ${date}: unknown version ${String(p.v)}`);
  return {
    date,
    createdAt: p.c,
    expected: p.e,
    summary: fromCounts(p.s),
    kpis: p.k.map(([kpiId, value, progress, status]) => ({ kpiId, value, progress, status: lightAt(status) })),
    tasks: p.t.map(([taskId, status, progress]) => ({ taskId, status: lightAt(status), progress })),
    sections: p.x.map(([sectionId, number, title, tasks, ...c]) => ({ sectionId, number, title, tasks, ...fromCounts(c) })),
  };
}
