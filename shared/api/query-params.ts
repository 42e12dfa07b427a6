import * as z from '../zod.js';
import { EVENT_CATEGORIES, EVENT_STATUSES, REVIEW_STATES } from '../../events/schemas.js';
import { OrgId, TaskId } from '../plan/schema.js';

/**
 * The query parameters of every read route, validated at the boundary. Each schema is strict: a
 * parameter a route does not know is a 400, not silently ignored. Values arrive as strings (API
 * Gateway joins a repeated parameter with commas, which no schema here accepts).
 */

export const DEFAULT_REPORTS_LIMIT = 20;
export const MAX_REPORTS_LIMIT = 100;
export const DEFAULT_EVENTS_LIMIT = 50;
export const MAX_EVENTS_LIMIT = 200;
export const DEFAULT_REVIEWS_LIMIT = 20;
export const MAX_REVIEWS_LIMIT = 100;
export const DEFAULT_SNAPSHOT_DAYS = 31;
export const MAX_SNAPSHOT_DAYS = 366;
export const MAX_CURSOR_LENGTH = 2048;

const DateParam = z.iso.date({ error: 'a date YYYY-MM-DD' });

function limitParam(max: number, fallback: number) {
  const digits = z.string().check(z.regex(/^[1-9]\d{0,5}$/, 'a positive integer'));
  return z.withMeta(z.optional(z.pipe(z.pipe(digits, z.transform(Number)), z.int().check(z.gte(1), z.lte(max)))), {
    description: `Page size, 1–${max} (default ${fallback}).`,
  });
}

export const CursorParam = z.withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_CURSOR_LENGTH))), {
  description: 'The opaque `nextCursor` of the previous page, unchanged.',
});

export const PlanQuery = z.strictObject({});
export const KpisQuery = z.strictObject({});
export const RankingsQuery = z.strictObject({});

export const TaskQuery = z.strictObject({
  limit: limitParam(MAX_REPORTS_LIMIT, DEFAULT_REPORTS_LIMIT),
  cursor: CursorParam,
});
export type TaskQuery = z.infer<typeof TaskQuery>;

export const OverdueQuery = z.strictObject({
  asOf: z.withMeta(z.optional(DateParam), { description: 'The business date to judge against (default: today in the plan time zone).' }),
});
export type OverdueQuery = z.infer<typeof OverdueQuery>;

export const EventsQuery = z.strictObject({
  orgId: z.withMeta(z.optional(OrgId), { description: 'Only events registered by this unit.' }),
  status: z.withMeta(z.optional(z.enum(EVENT_STATUSES)), { description: 'Only events with this status.' }),
  category: z.withMeta(z.optional(z.enum(EVENT_CATEGORIES)), { description: 'Only events of this category.' }),
  taskId: z.withMeta(z.optional(TaskId), { description: 'Only events linked to this task.' }),
  from: z.withMeta(z.optional(DateParam), { description: 'Only events starting on or after this date.' }),
  to: z.withMeta(z.optional(DateParam), { description: 'Only events starting on or before this date.' }),
  limit: limitParam(MAX_EVENTS_LIMIT, DEFAULT_EVENTS_LIMIT),
  cursor: CursorParam,
});
export type EventsQuery = z.infer<typeof EventsQuery>;

export const ReviewsQuery = z.strictObject({
  state: z.withMeta(z._default(z.enum(REVIEW_STATES), 'pending'), {
    description: '`pending` (待销号, default): claims waiting for the office; `approved` (已销号) or `returned` (已退回): claims decided.',
  }),
  limit: limitParam(MAX_REVIEWS_LIMIT, DEFAULT_REVIEWS_LIMIT),
  cursor: CursorParam,
});
export type ReviewsQuery = z.infer<typeof ReviewsQuery>;

export const SnapshotsQuery = z.strictObject({
  from: z.withMeta(z.optional(DateParam), { description: `First day (default: ${DEFAULT_SNAPSHOT_DAYS - 1} days before \`to\`).` }),
  to: z.withMeta(z.optional(DateParam), {
    description: `Last day (default: today, or ${MAX_SNAPSHOT_DAYS - 1} days after \`from\` if that is earlier). At most ${MAX_SNAPSHOT_DAYS} days in all.`,
  }),
});
export type SnapshotsQuery = z.infer<typeof SnapshotsQuery>;

export const BULLETIN_FORMATS = ['xlsx', 'csv', 'html'] as const;
export type BulletinFormat = (typeof BULLETIN_FORMATS)[number];
/** The media type each format is served as (text ones with `; charset=utf-8`). */
export const BULLETIN_MEDIA_TYPES: Record<BulletinFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  html: 'text/html',
};

export const BulletinQuery = z.strictObject({
  format: z.withMeta(z._default(z.enum(BULLETIN_FORMATS), 'xlsx'), {
    description: 'xlsx: sheets 排名, 逾期事项, 指标; csv: the ranking (UTF-8 with BOM); html: the printable bulletin (A4).',
  }),
});
export type BulletinQuery = z.infer<typeof BulletinQuery>;
