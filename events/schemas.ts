import * as z from '../shared/zod.js';

/**
 * The event contracts: what county and office systems send (the webhook envelope and its two
 * `data` shapes), what the bus carries (`detail` = validated data + receipt metadata), and the
 * events the system emits itself. JSON Schema in `events/json-schema/` is generated from these.
 */

export const WEBHOOK_TYPES = ['progress.submitted', 'event.registered'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** The `source` of every event this system puts on its bus. */
export const EVENT_SOURCE = 'jining.supervision';

/** Real UTC offsets run from −12:00 to +14:00; anything else is a typo that would sort wrongly. */
const OFFSET = /(?:([+-])(\d{2}):(\d{2})|Z)$/;
function plausibleOffset(value: string): boolean {
  const m = OFFSET.exec(value);
  if (!m || !m[1]) return true;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '+' ? minutes <= 14 * 60 : minutes <= 12 * 60;
}
const IsoInstant = z.iso
  .datetime({ offset: true })
  .check(z.refine(plausibleOffset, { message: 'UTC offset must be between -12:00 and +14:00' }));
const IsoDate = z.iso.date();
const Id = z.string().check(z.minLength(1), z.maxLength(128));

export const Period = z.string().check(z.regex(/^\d{4}-(?:Q[1-4]|0[1-9]|1[0-2])$/, 'period is YYYY-Qn (quarter) or YYYY-MM (month)'));

export const Metric = z.strictObject({
  kpiId: Id,
  value: z.number().check(z.nonnegative()),
});

export const Evidence = z.strictObject({
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  url: z.url({ protocol: /^https$/, error: 'evidence url must be https' }).check(z.maxLength(2048)),
});

export const ProgressStatus = z.enum(['not_started', 'in_progress', 'completed', 'blocked']);

export const ProgressSubmittedData = z
  .strictObject({
    planId: Id,
    taskId: Id,
    orgId: Id,
    reportedAt: IsoInstant,
    period: Period,
    status: ProgressStatus,
    percentComplete: z.optional(z.number().check(z.gte(0), z.lte(100))),
    metrics: z._default(z.array(Metric).check(z.maxLength(50)), []),
    completedMilestoneIds: z.withMeta(z.optional(z.array(Id).check(z.maxLength(50))), {
      description:
        'Absent: no change (milestones completed earlier stay completed). Present: the whole set of milestones of the task this unit has completed as of `reportedAt`; send the set without one to un-complete it.',
    }),
    summary: z._default(z.string().check(z.maxLength(2000)), ''),
    evidence: z.withMeta(z._default(z.array(Evidence).check(z.maxLength(20)), []), {
      description:
        'Documents backing the report (佐证材料); at least one when `status` is `completed` (a completion claim), or the service answers 422 `evidence_required`.',
    }),
  })
  .check(
    z.superRefine((d, ctx) => {
      const seen = new Set<string>();
      d.metrics.forEach((m, i) => {
        if (seen.has(m.kpiId)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'kpiId'], message: `kpiId ${m.kpiId} appears twice` });
        seen.add(m.kpiId);
      });
    }),
  );
export type ProgressSubmittedData = z.infer<typeof ProgressSubmittedData>;

export const EVENT_CATEGORIES = ['marathon', 'games', 'series', 'fitness_activity', 'competition', 'training', 'other'] as const;
export const EVENT_LEVELS = ['international', 'national', 'provincial', 'municipal', 'county'] as const;
export const EVENT_STATUSES = ['planned', 'held', 'cancelled'] as const;

export const EventRegisteredData = z
  .strictObject({
    planId: Id,
    eventId: Id,
    orgId: Id,
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    category: z.enum(EVENT_CATEGORIES),
    level: z.enum(EVENT_LEVELS),
    startDate: IsoDate,
    endDate: IsoDate,
    venue: z.string().check(z.minLength(1), z.maxLength(200)),
    expectedParticipants: z.optional(z.int().check(z.nonnegative())),
    actualParticipants: z.optional(z.int().check(z.nonnegative())),
    taskIds: z._default(z.array(Id).check(z.maxLength(27)), []),
    status: z.enum(EVENT_STATUSES),
  })
  .check(z.refine((d) => d.endDate >= d.startDate, { path: ['endDate'], message: 'endDate is before startDate' }));
export type EventRegisteredData = z.infer<typeof EventRegisteredData>;

export const ProgressSubmittedEnvelope = z.strictObject({
  type: z.literal('progress.submitted'),
  timestamp: IsoInstant,
  data: ProgressSubmittedData,
});
export const EventRegisteredEnvelope = z.strictObject({
  type: z.literal('event.registered'),
  timestamp: IsoInstant,
  data: EventRegisteredData,
});

/** The body of `POST /v1/webhooks/{sourceId}`. */
export const WebhookEnvelope = z.discriminatedUnion('type', [ProgressSubmittedEnvelope, EventRegisteredEnvelope]);
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

/** What ingestion adds to the validated data before it goes on the bus. */
export const Receipt = z.object({
  sourceId: Id,
  webhookId: Id,
  receivedAt: IsoInstant,
  /** The sender's envelope `timestamp`. */
  timestamp: IsoInstant,
});
export type Receipt = z.infer<typeof Receipt>;

export const ProgressSubmittedDetail = z.object({ ...ProgressSubmittedData.shape, ...Receipt.shape });
export type ProgressSubmittedDetail = z.infer<typeof ProgressSubmittedDetail>;
export const EventRegisteredDetail = z.object({ ...EventRegisteredData.shape, ...Receipt.shape });
export type EventRegisteredDetail = z.infer<typeof EventRegisteredDetail>;

/** Emitted by the aggregation job after it stores a day's snapshot. */
export const KpiSnapshotCreatedDetail = z.object({
  planId: Id,
  date: IsoDate,
  createdAt: IsoInstant,
  summary: z.object({ green: z.int(), yellow: z.int(), red: z.int(), done: z.int() }),
});
export type KpiSnapshotCreatedDetail = z.infer<typeof KpiSnapshotCreatedDetail>;

/** 销号 (approve) or 退回 (return): the supervision office's decision on a completion claim. */
export const REVIEW_DECISIONS = ['approve', 'return'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
/** Where a claim stands: 待销号 (pending), 已销号 (approved), 已退回 (returned). */
export const REVIEW_STATES = ['pending', 'approved', 'returned'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** The completion claim a decision is about: the unit's `completed` report, named by its order fields. */
export const ClaimRef = z.object({
  reportedAt: IsoInstant,
  /** Absent only for claims stored before the order carried the source. */
  sourceId: z.optional(Id),
  webhookId: Id,
});
export type ClaimRef = z.infer<typeof ClaimRef>;

/**
 * The office's decision on a completion claim: the decision's immutable audit row (with its keys and
 * outbox `kind`), put on the bus once from the table's stream by relay-outbox, not by office-api.
 */
export const ReviewRecordedDetail = z.object({
  planId: Id,
  taskId: Id,
  orgId: Id,
  claim: ClaimRef,
  decision: z.enum(REVIEW_DECISIONS),
  state: z.enum(['approved', 'returned']),
  /** Required when returning (退回意见); optional when approving. */
  comment: z.nullable(z.string().check(z.maxLength(1000))),
  decidedAt: IsoInstant,
  /** Who decided: the JWT's subject in AWS, the office token locally. */
  decidedBy: z.string().check(z.minLength(1), z.maxLength(256)),
});
export type ReviewRecordedDetail = z.infer<typeof ReviewRecordedDetail>;

/**
 * `report_due_soon`: the advance notice of a period's report (报送提醒); `blocked`: a unit reported
 * its work blocked, for its supervisor to resolve (协调); `returned`: the office returned the unit's
 * completion claim (退回), with its comment. docs/reminders.md has every kind.
 */
/** The kinds about one task: they name its `taskId` and a `dueDate`. */
export const TASK_REMINDER_KINDS = [
  'due_soon',
  'overdue',
  'escalation',
  'report_missing',
  'stagnant',
  'report_due_soon',
  'blocked',
  'returned',
] as const;
/** The kinds about the plan as a whole, not one task: no `taskId`, no `dueDate`; a `period`. */
export const PLAN_REMINDER_KINDS = ['bulletin_ready'] as const;
export const REMINDER_KINDS = [...TASK_REMINDER_KINDS, ...PLAN_REMINDER_KINDS] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

const ReminderItemFields = z.object({
  key: z.string().check(z.minLength(1)),
  kind: z.enum(REMINDER_KINDS),
  /** Every kind but `bulletin_ready` (PLAN_REMINDER_KINDS). */
  taskId: z.optional(Id),
  milestoneId: z.optional(Id),
  /** For escalations and `blocked`: the unit the item is about (the digest goes to its supervisor). */
  subjectOrgId: z.optional(Id),
  /** Every kind but `bulletin_ready`. For reports: the (earliest missing) period's due day, moved to a workday. */
  dueDate: z.optional(IsoDate),
  title: z.string(),
  daysOverdue: z.optional(z.int()),
  workdaysOverdue: z.optional(z.int()),
  daysLeft: z.optional(z.int()),
  /** `due_soon`: workdays from today through the due date, today included. */
  workdaysLeft: z.optional(z.int()),
  /** For reports: the (earliest missing) period. */
  period: z.optional(Period),
  /** `report_missing`: every period of the task not reported yet, oldest first. */
  periods: z.optional(z.array(Period)),
  /**
   * The escalation of a unit's missing reports: each task with a report late enough to escalate and
   * its periods not reported, oldest first (`taskId`, `dueDate` and `period` are the oldest one's).
   */
  reportTasks: z.optional(z.array(z.object({ taskId: Id, periods: z.array(Period).check(z.minLength(1)) })).check(z.minLength(1))),
  /** The date the item's instruction asks for (请于…前办结并报送). */
  actBy: z.optional(IsoDate),
  /** The due date is ours, not the notice's, and not confirmed yet (节点日期待确认). */
  dateAssumed: z.optional(z.boolean()),
  /** `stagnant` and `blocked`: the business date of the unit's latest report. */
  lastReportDate: z.optional(IsoDate),
  /** `returned`: the office's comment (退回意见), as the office wrote it. */
  comment: z.optional(z.string().check(z.maxLength(1000))),
  /** `returned`: the business date the office returned the claim. */
  decidedOn: z.optional(IsoDate),
  /**
   * `stagnant` and `blocked`: the report the item answers (its source and webhook-id), so that the
   * delivery's log lines follow the report that caused them (shared/observability/correlation.ts).
   */
  sourceId: z.optional(Id),
  webhookId: z.optional(Id),
  /** `bulletin_ready`: where the bulletin is read, relative to the read API (`/v1/plans/{planId}/bulletins/{period}`). */
  link: z.optional(z.string().check(z.regex(/^\/v1\//), z.maxLength(200))),
});

/**
 * One item of a digest. A union on `kind`, so that the contract (and the JSON Schema generated from
 * it) requires `taskId` and `dueDate` of an item about a task and `period` of one about the plan.
 */
export const ReminderItem = z.discriminatedUnion('kind', [
  z.extend(ReminderItemFields, { kind: z.enum(TASK_REMINDER_KINDS), taskId: Id, dueDate: IsoDate }),
  z.extend(ReminderItemFields, { kind: z.enum(PLAN_REMINDER_KINDS), period: Period }),
]);
export type ReminderItem = z.infer<typeof ReminderItem>;
/** An item about one task (TASK_REMINDER_KINDS): its task and due date are known. */
export type TaskReminderItem = Extract<ReminderItem, { kind: (typeof TASK_REMINDER_KINDS)[number] }>;
export const isTaskReminderItem = (item: ReminderItem): item is TaskReminderItem =>
  (TASK_REMINDER_KINDS as readonly string[]).includes(item.kind);

/** One digest (one notification) for one recipient unit from one reminder run. */
export const ReminderDueDetail = z.object({
  digestId: z.string().check(z.minLength(1)),
  planId: Id,
  orgId: Id,
  date: IsoDate,
  items: z.array(ReminderItem).check(z.minLength(1)),
  text: z.string().check(z.minLength(1)),
});
export type ReminderDueDetail = z.infer<typeof ReminderDueDetail>;

/** An EventBridge event as SQS delivers it to the consumers (the rule's target is the queue). */
export function eventBridgeEnvelope<T extends z.ZodMiniType>(detail: T) {
  return z.object({
    version: z.optional(z.string()),
    id: z.string(),
    'detail-type': z.string(),
    source: z.string(),
    time: z.string(),
    account: z.optional(z.string()),
    region: z.optional(z.string()),
    resources: z.optional(z.array(z.string())),
    detail,
  });
}
