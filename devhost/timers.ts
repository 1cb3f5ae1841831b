/**
 * Timer triggers on the virtual clock: NCRONTAB schedules with six fields (`{second} {minute} {hour} {day} {month}
 * {day-of-week}`) or a TimeSpan (`hh:mm:ss`), `%SETTING%` schedules, `runOnStartup`, and the Functions host's
 * "schedule monitor": the last and next occurrence are kept under the data folder, so an occurrence missed while the
 * dev host was stopped runs once at start with `isPastDue: true`.
 *
 * Frequent timers and clock jumps: while the virtual clock is being advanced, a timer that falls due more often than
 * every `FREQUENT_MS` (the services sweep runs every 10 seconds) does not fire at each occurrence on the way — 40 days
 * would be 345 600 runs — but once more at the end of the advance, with `isPastDue: true`, as if the host had been
 * away. Everything the advance started has settled by then (the clock waits for it), so the run sees what a sweep
 * after that stretch of time would see. In real time every occurrence fires.
 *
 * A timer is switched off as in Azure, by the app setting `AzureWebJobs.<FunctionName>.Disabled` = `true` (or `1`),
 * read at start: its listener is not started and it never fires.
 */
import fs from "node:fs";
import path from "node:path";
import { CronExpressionParser } from "cron-parser";
import type { FunctionRegistry, Registration } from "./functions-core";
import type { Invoker } from "./invoker";
import type { DevLogger } from "./logger";
import type { ScheduledHandle, VirtualClock } from "./clock";
import { asString } from "./text";

interface ScheduleStatus {
  last?: string;
  next?: string;
  lastUpdated?: string;
}

/** What a timer trigger's handler receives (the Functions host's shape, camelCased by the Node worker). */
export interface TimerInput {
  isPastDue: boolean;
  schedule: { adjustForDST: boolean };
  scheduleStatus: ScheduleStatus;
}

export interface TimerTriggersOptions {
  registry: FunctionRegistry;
  invoker: Invoker;
  clock: VirtualClock;
  logger: DevLogger;
  dataDir: string;
  setting: (name: string) => string | undefined;
  /** Time zone of NCRONTAB expressions (the host uses UTC unless WEBSITE_TIME_ZONE / TZ says otherwise). */
  timeZone?: string;
}

const PAST_DUE_TOLERANCE_MS = 5_000;
/** Timers falling due more often than this fire once at the end of a clock advance (see the header). */
const FREQUENT_MS = 5 * 60_000;

export class TimerTriggers {
  private readonly handles = new Map<string, ScheduledHandle>();
  private status: Record<string, ScheduleStatus> = {};
  private readonly statusFile: string;
  private stopped = false;

  constructor(private readonly options: TimerTriggersOptions) {
    this.statusFile = path.join(options.dataDir, "timers", "schedule-status.json");
  }

  async start(): Promise<void> {
    this.status = this.loadStatus();
    const startups: Promise<unknown>[] = [];
    for (const registration of this.options.registry.byTrigger("timerTrigger")) {
      if (this.disabled(registration.name)) {
        this.options.logger.info("timer disabled by setting", { function: registration.name });
        continue;
      }
      const schedule = this.resolveSchedule(registration);
      const now = this.options.clock.now();
      const previousNext = this.status[registration.name]?.next;
      const missed = previousNext !== undefined && Date.parse(previousNext) < now - PAST_DUE_TOLERANCE_MS;
      if (missed || registration.trigger.runOnStartup === true) {
        startups.push(this.run(registration, schedule, now, missed));
      } else {
        this.scheduleNext(registration, schedule, now);
      }
    }
    await Promise.all(startups);
  }

  /** `AzureWebJobs.<name>.Disabled` (the Functions host's switch; `true` or `1`, any case). */
  private disabled(name: string): boolean {
    const value = this.options.setting(`AzureWebJobs.${name}.Disabled`)?.trim().toLowerCase();
    return value === "true" || value === "1";
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.handles.values()) handle.cancel();
    this.handles.clear();
    this.saveStatus();
  }

  /** Next occurrence strictly after `after`, in ms since the epoch. */
  static nextOccurrence(schedule: string, after: number, timeZone = "UTC"): number {
    const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(schedule.trim());
    if (span) {
      const ms = ((Number(span[1] ?? 0) * 24 + Number(span[2])) * 3600 + Number(span[3]) * 60 + Number(span[4])) * 1000;
      if (ms <= 0) throw new Error(`Timer schedule "${schedule}" must be a positive interval`);
      return after + ms;
    }
    const fields = schedule.trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new Error(
        `Timer schedule "${schedule}" must be an NCRONTAB expression with six fields or an hh:mm:ss interval`,
      );
    }
    const iterator = CronExpressionParser.parse(schedule, { currentDate: new Date(after), tz: timeZone });
    return iterator.next().toDate().getTime();
  }

  private resolveSchedule(registration: Registration): string {
    const raw = asString(registration.trigger.schedule ?? "");
    const m = /^%([^%]+)%$/.exec(raw.trim());
    const schedule = m ? this.options.setting(m[1]!) : raw;
    if (!schedule) throw new Error(`Timer ${registration.name}: schedule "${raw}" is empty or names a missing setting`);
    TimerTriggers.nextOccurrence(schedule, this.options.clock.now(), this.options.timeZone); // validate now, fail fast
    return schedule;
  }

  private scheduleNext(registration: Registration, schedule: string, after: number): void {
    if (this.stopped) return;
    let at = TimerTriggers.nextOccurrence(schedule, after, this.options.timeZone);
    const target = this.options.clock.advancingTo();
    if (target !== undefined && at < target) {
      const period = TimerTriggers.nextOccurrence(schedule, at, this.options.timeZone) - at;
      if (period < FREQUENT_MS) at = target;
    }
    this.status[registration.name] = { ...this.status[registration.name], next: new Date(at).toISOString() };
    this.saveStatus();
    const handle = this.options.clock.schedule(
      at,
      () => this.run(registration, schedule, at, false),
      `timer ${registration.name}`,
    );
    this.handles.set(registration.name, handle);
  }

  private async run(registration: Registration, schedule: string, occurrence: number, missed: boolean): Promise<void> {
    if (this.stopped) return;
    const now = this.options.clock.now();
    const previous = this.status[registration.name] ?? {};
    const next = TimerTriggers.nextOccurrence(schedule, Math.max(occurrence, now), this.options.timeZone);
    const input: TimerInput = {
      isPastDue: missed || now - occurrence > PAST_DUE_TOLERANCE_MS,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: previous.last,
        next: new Date(next).toISOString(),
        lastUpdated: new Date(now).toISOString(),
      },
    };
    try {
      await this.options.invoker.invoke(registration, input);
    } catch {
      // Logged by the invoker; a failed run does not stop the schedule (as in the Functions host).
    }
    this.status[registration.name] = {
      last: new Date(occurrence).toISOString(),
      lastUpdated: new Date(now).toISOString(),
    };
    this.scheduleNext(registration, schedule, Math.max(occurrence, now));
  }

  private loadStatus(): Record<string, ScheduleStatus> {
    try {
      return JSON.parse(fs.readFileSync(this.statusFile, "utf8")) as Record<string, ScheduleStatus>;
    } catch {
      return {};
    }
  }

  private saveStatus(): void {
    fs.mkdirSync(path.dirname(this.statusFile), { recursive: true });
    const tmp = `${this.statusFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.status, null, 2));
    fs.renameSync(tmp, this.statusFile);
  }
}
