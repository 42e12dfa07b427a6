import type { Clock } from '../shared/ports/clock.js';
import { addDays, localDateOf } from '../shared/time/local-date.js';
import { SCHEDULES, type ScheduleName } from '../shared/routing.js';
import { errorMessage } from '../shared/errors.js';

/** The UTC offset (ms) of `timeZone` at `instant`. */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of wall-clock `date` `hour:minute` in `timeZone`. */
function zonedInstant(date: string, hour: number, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  const guess = new Date(wall - zoneOffsetMs(new Date(wall), timeZone));
  return new Date(wall - zoneOffsetMs(guess, timeZone));
}

/** The first instant strictly after `after` at which a daily `hour:minute` cron fires in `timeZone`. */
export function nextDailyRun(after: Date, cron: { hour: number; minute: number }, timeZone: string): Date {
  const today = localDateOf(after, timeZone);
  for (let i = 0; i < 3; i++) {
    const at = zonedInstant(addDays(today, i), cron.hour, cron.minute, timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no run of ${cron.hour}:${cron.minute} ${timeZone} after ${after.toISOString()}`);
}

export interface SchedulerOptions {
  clock: Clock;
  /** Runs a job as of `now` (the scheduled instant, as EventBridge Scheduler's `<aws.scheduler.scheduled-time>`). */
  run: (name: ScheduleName, now: string) => Promise<unknown>;
  names: readonly ScheduleName[];
  log?: (line: string) => void;
}

/**
 * EventBridge Scheduler on the business clock: each schedule of `SCHEDULES` fires at its cron time
 * in its time zone. Like Scheduler, missed runs (while the runtime was down) are not replayed.
 */
export class LocalScheduler {
  private readonly timers = new Map<ScheduleName, NodeJS.Timeout>();
  private readonly next = new Map<ScheduleName, Date>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    for (const name of this.options.names) this.arm(name, this.options.clock.now());
  }

  /** The next run of each armed schedule (business clock). */
  nextRuns(): Partial<Record<ScheduleName, string>> {
    return Object.fromEntries([...this.next].map(([k, v]) => [k, v.toISOString()]));
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  private arm(name: ScheduleName, after: Date): void {
    if (this.stopped) return;
    const { cron, timeZone } = SCHEDULES[name];
    const at = nextDailyRun(after, cron, timeZone);
    this.next.set(name, at);
    const delay = Math.max(0, at.getTime() - this.options.clock.now().getTime());
    const timer = setTimeout(() => {
      const p = this.options
        .run(name, at.toISOString())
        .then(() => this.options.log?.(`schedule ${name} ran as of ${at.toISOString()}`))
        .catch((err: unknown) => this.options.log?.(`schedule ${name} failed as of ${at.toISOString()}: ${errorMessage(err)}`))
        .finally(() => this.running.delete(p));
      this.running.add(p);
      this.arm(name, at);
    }, delay);
    timer.unref();
    this.timers.set(name, timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.running]);
  }
}
