import type { ReminderDueDetail } from '../../events/schemas.js';
import { Plan, type PlanInput } from '../../shared/plan/schema.js';
import { taskUnits } from '../../shared/plan/units.js';
import type { BusEvent, EventBus } from '../../shared/ports/bus.js';
import { BusPublishError } from '../../shared/adapters/errors.js';
import type { CommitOutcome, DigestCommit, EscalationRef, ReminderLookup, ReminderStore } from '../../shared/ports/reminders.js';
import type { PlanState, PlanStateReader, SportsEventRecord, UnitTaskRecord } from '../../shared/ports/state.js';
import type { Logger } from '../../shared/ports/logger.js';
import { escalationStateKey } from '../../shared/reminders/keys.js';
import { periodsOfYear } from '../../shared/time/period.js';

/**
 * An in-memory ReminderStore with the DynamoDB adapter's semantics: a commit is all or nothing,
 * every claim and the digest are create-once, an escalation state write is conditional on the value
 * read before.
 */
export class InMemoryReminderStore implements ReminderStore {
  readonly claims = new Map<string, { kind: string; recipientOrgId: string; digestId: string }>();
  readonly escalations = new Map<string, string>();
  readonly digests = new Map<string, { detail: ReminderDueDetail; status: 'queued' | 'enqueued' }>();
  readonly lookups: Array<{ keys: readonly string[]; escalations: readonly EscalationRef[] }> = [];
  commits = 0;
  /** Runs just before a commit is checked: lets a test play a concurrent run. */
  beforeCommit?: (commit: DigestCommit) => void;

  private claimKey = (planId: string, key: string) => `${planId}|${key}`;
  private digestKey = (planId: string, date: string, orgId: string) => `${planId}|${date}|${orgId}`;

  async lookup(planId: string, query: { keys: readonly string[]; escalations: readonly EscalationRef[] }): Promise<ReminderLookup> {
    this.lookups.push(query);
    const claimed = new Set(query.keys.filter((k) => this.claims.has(this.claimKey(planId, k))));
    const lastEscalation = new Map<string, string>();
    for (const e of query.escalations) {
      const sk = escalationStateKey(e.item, e.orgId);
      const last = this.escalations.get(this.claimKey(planId, sk));
      if (last !== undefined) lastEscalation.set(sk, last);
    }
    return { claimed, lastEscalation };
  }

  async commitDigest(commit: DigestCommit): Promise<CommitOutcome> {
    this.beforeCommit?.(commit);
    const { digest } = commit;
    const planId = digest.planId;
    if (commit.claims.some((c) => this.claims.has(this.claimKey(planId, c.key)))) return 'conflict';
    for (const e of commit.escalations) {
      if (this.escalations.get(this.claimKey(planId, escalationStateKey(e.item, e.orgId))) !== e.previous) return 'conflict';
    }
    if (this.digests.has(this.digestKey(planId, digest.date, digest.orgId))) return 'conflict';
    for (const c of commit.claims)
      this.claims.set(this.claimKey(planId, c.key), { kind: c.kind, recipientOrgId: digest.orgId, digestId: digest.digestId });
    for (const e of commit.escalations) this.escalations.set(this.claimKey(planId, escalationStateKey(e.item, e.orgId)), digest.date);
    this.digests.set(this.digestKey(planId, digest.date, digest.orgId), { detail: digest, status: 'queued' });
    this.commits++;
    return 'committed';
  }

  async queuedDigests(planId: string, date: string): Promise<ReminderDueDetail[]> {
    return [...this.digests.values()]
      .filter((d) => d.detail.planId === planId && d.detail.date === date && d.status === 'queued')
      .map((d) => d.detail);
  }

  async markEnqueued(planId: string, date: string, orgId: string): Promise<void> {
    const d = this.digests.get(this.digestKey(planId, date, orgId));
    if (!d) throw new Error(`no digest ${planId} ${date} ${orgId}`);
    d.status = 'enqueued';
  }

  /** Test-side: a concurrent run claiming a key. */
  claim(planId: string, key: string): void {
    this.claims.set(this.claimKey(planId, key), { kind: key.split('#')[0] ?? '', recipientOrgId: 'other', digestId: 'other' });
  }
}

/** The bus: records every publish; `failNext` makes the next publish reject like EventBridge would. */
export class RecordingBus implements EventBus {
  readonly events: BusEvent[] = [];
  failNext = 0;

  async publish(events: readonly BusEvent[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new BusPublishError('bus unavailable', events.length);
    }
    this.events.push(...events);
  }

  digests(): ReminderDueDetail[] {
    return this.events.map((e) => e.detail as unknown as ReminderDueDetail);
  }
}

/** Plan state as the consumers would have left it. */
export class FakeStateReader implements PlanStateReader {
  units: UnitTaskRecord[] = [];
  /** period → reported (taskId, orgId) pairs. */
  reported = new Map<string, Array<{ taskId: string; orgId: string }>>();
  loads = 0;

  async loadPlanState(_planId: string): Promise<PlanState> {
    this.loads++;
    return { figures: [], units: this.units };
  }

  async listEvents(_planId: string): Promise<SportsEventRecord[]> {
    return [];
  }

  async reportedUnits(_planId: string, period: string): Promise<Array<{ taskId: string; orgId: string }>> {
    return this.reported.get(period) ?? [];
  }

  /** A unit's latest status on a task. */
  set(unit: Partial<UnitTaskRecord> & Pick<UnitTaskRecord, 'taskId' | 'orgId' | 'status' | 'reportedAt'>): void {
    this.units = this.units.filter((u) => !(u.taskId === unit.taskId && u.orgId === unit.orgId));
    this.units.push({ webhookId: `wh-${this.units.length}`, period: '2023-09', completedMilestoneIds: [], ...unit });
  }

  markReported(period: string, taskId: string, orgId: string): void {
    const list = this.reported.get(period) ?? [];
    list.push({ taskId, orgId });
    this.reported.set(period, list);
  }

  /** Every unit of every task reported for every period of the plan year: only the deadline rules speak. */
  markAllReported(plan: Plan): void {
    for (const task of plan.tasks) {
      for (const period of periodsOfYear(task.reporting.cycle, plan.year))
        for (const orgId of taskUnits(task)) this.markReported(period, task.taskId, orgId);
    }
  }
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attributes: Array<Record<string, unknown>>;
}

export function recordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    debug: (message, ...attributes) => records.push({ level: 'debug', message, attributes }),
    info: (message, ...attributes) => records.push({ level: 'info', message, attributes }),
    warn: (message, ...attributes) => records.push({ level: 'warn', message, attributes }),
    error: (message, ...attributes) => records.push({ level: 'error', message, attributes }),
  };
}

export const LEAD = 'jn-mass-sports';
export const LEAD_2 = 'jn-youth-sports';
export const SUPPORT = '370811';
export const BUREAU = 'jn-sports-bureau';

/**
 * A small plan around the 2023 National Day holiday (2023-09-29…10-06, make-up workdays Sat 10-07
 * and Sun 10-08) and New Year 2024 (12-30…01-01). It starts on 2023-09-01, so that 催报, which
 * chases every period since the plan's start, chases September (T01) and Q3/Q4 (T02) only.
 */
export function testPlan(overrides: Partial<PlanInput> = {}): Plan {
  return Plan.parse({
    planId: 'test-plan',
    title: '测试工作要点',
    year: 2023,
    documentNumber: '测试〔2023〕1号',
    issuer: '济宁市体育局',
    issueDatePrinted: '2023年1月1日',
    timeZone: 'Asia/Shanghai',
    startDate: '2023-09-01',
    sections: [{ sectionId: 'S1', number: 1, title: '测试' }],
    tasks: [
      {
        taskId: 'T01',
        sectionId: 'S1',
        title: '国庆节前后事项',
        text: '测试',
        leadOrgIds: [LEAD],
        supportOrgIds: [SUPPORT],
        dueDate: '2023-10-12',
        reporting: { cycle: 'monthly', dueDay: 25 },
        milestones: [{ milestoneId: 'T01-M1', title: '节前节点', dueDate: '2023-09-28' }],
      },
      {
        taskId: 'T02',
        sectionId: 'S1',
        title: '跨年事项',
        text: '测试',
        leadOrgIds: [LEAD_2],
        dueDate: '2024-01-03',
        reporting: { cycle: 'quarterly', dueDay: 25 },
        milestones: [{ milestoneId: 'T02-M1', title: '年末节点', dueDate: '2023-12-29' }],
      },
    ],
    ...overrides,
  });
}

/** Shanghai 09:00 on a business date, as the schedule fires. */
export const at9 = (date: string) => `${date}T09:00:00+08:00`;
