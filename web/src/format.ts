import type { Light, Target } from './types.js';

export const LIGHT_TEXT: Record<Light, string> = { green: '绿灯', yellow: '黄灯', red: '红灯', done: '已办结' };
export const LIGHT_ORDER: readonly Light[] = ['red', 'yellow', 'green', 'done'];

/** 0.456 → `45.6%`; null → `—`. */
export function pct(share: number | null | undefined, digits = 1): string {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(digits)}%`;
}

export function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return Number.isInteger(v) ? v.toLocaleString('zh-CN') : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

/** `2023-06-30` → `2023年6月30日`. */
export function cnDate(date: string | null | undefined): string {
  if (!date) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : date;
}

/** An instant as Beijing time, `2023-06-25 10:00`. */
export function cnDateTime(instant: string | null | undefined): string {
  if (!instant) return '—';
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  return d.toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/** `≥500`, `≤5`, `1–2`. */
export function targetText(t: Target): string {
  if (t.op === 'between') return `${t.min}–${t.max}`;
  return `${t.op === '>=' ? '≥' : '≤'}${t.value}`;
}

/** The figure a bar is drawn to for a target. */
export function targetFigure(t: Target): number {
  return t.op === 'between' ? t.min : t.value;
}

export const SECTION_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const;

export function sectionHeading(n: number, title: string): string {
  return `${SECTION_NUMERALS[n - 1] ?? n}、${title}`;
}

export const UNIT_STATUS_TEXT: Record<string, string> = {
  not_started: '未启动',
  in_progress: '推进中',
  completed: '已完成',
  blocked: '受阻',
};

/** `YYYY-MM-DD` + n days (calendar), independent of the browser's time zone. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  const t = (s: string) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((t(b) - t(a)) / 86_400_000);
}

/**
 * The API's reasons for a light, in the office's words. The rule engine writes them in English
 * (`T05-M1 overdue since 2023-06-30`); a reason this page does not know is shown as it comes.
 */
export function reasonText(reason: string): string {
  const item = (id: string) => (id === 'task' ? '事项' : `节点${id}`);
  let m: RegExpExecArray | null;
  if (reason === 'all lead units completed') return '牵头单位均已报告完成';
  if ((m = /^(\S+) overdue since (\d{4}-\d{2}-\d{2})$/.exec(reason))) return `${item(m[1]!)}已于${m[2]}到期，尚未完成`;
  if ((m = /^progress (\S+) behind expected (\S+)$/.exec(reason))) return `进度${m[1]}，落后于序时进度${m[2]}`;
  if ((m = /^(\S+) due in (-?\d+) day\(s\)$/.exec(reason)))
    return Number(m[2]) === 0 ? `${item(m[1]!)}今日到期` : `${item(m[1]!)}还有${m[2]}天到期`;
  return reason;
}
