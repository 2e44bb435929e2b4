import { type Labels, type Matcher, matches } from './labels';

/**
 * A silence mutes the notifications of matching alerts while active (`startsAt <= now < endsAt`).
 * With `muteUntilResolved` it mutes only that one alert (fingerprint) and ends when the alert
 * resolves; `endsAt` is then a safety limit (use a far date for "until resolved").
 */
export interface Silence {
  id: string;
  matchers: Matcher[];
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms, exclusive. */
  endsAt: number;
  createdBy: string;
  comment: string;
  muteUntilResolved?: { fingerprint: string };
}

/**
 * A recurring silence, every week on `days` (0 = Sunday ... 6 = Saturday) from `start` to `end`
 * (`HH:MM`, UTC only). An `end` at or before `start` runs past midnight into the next day;
 * `start === end` is a full 24 hours.
 */
export interface MaintenanceWindow {
  id: string;
  matchers: Matcher[];
  weekly: { days: number[]; start: string; end: string; timeZone: 'UTC' };
  createdBy: string;
  comment: string;
}

export interface SilenceSetState {
  silences: Silence[];
  windows: MaintenanceWindow[];
}

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday: add four days to count from Sunday 00:00 UTC. */
const EPOCH_TO_SUNDAY = 4 * DAY;

/**
 * The silences and maintenance windows of one tenant. Lookups scan the set (fine for hundreds
 * of silences; expired ones are dropped by `prune`). Idea: Alertmanager silences, plus
 * PagerDuty-style maintenance windows and Grafana's "mute until resolved".
 *
 * @example
 *   const sut = new SilenceSet();
 *   sut.add({ id: 's1', matchers: parseMatchers('service="api"'), startsAt: 0, endsAt: 3_600_000,
 *     createdBy: 'ana', comment: 'deploy' });
 *   sut.isSilenced({ service: 'api' }, 'fp', 60_000)?.id; // 's1'
 */
export class SilenceSet {
  readonly #silences = new Map<string, Silence>();
  readonly #windows = new Map<string, MaintenanceWindow>();

  /** Adds or replaces (same id) a silence. */
  add(silence: Silence): void {
    if (!Number.isFinite(silence.startsAt) || !Number.isFinite(silence.endsAt)) {
      throw new RangeError(`silence ${silence.id}: startsAt and endsAt must be finite`);
    }
    if (silence.endsAt <= silence.startsAt) {
      throw new RangeError(`silence ${silence.id}: endsAt must be after startsAt`);
    }
    this.#silences.set(silence.id, silence);
  }

  /** Adds or replaces (same id) a maintenance window. */
  addMaintenance(window: MaintenanceWindow): void {
    const { days, start, end, timeZone } = window.weekly;
    if (timeZone !== 'UTC') throw new RangeError(`window ${window.id}: only UTC is supported`);
    if (days.length === 0 || days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
      throw new RangeError(`window ${window.id}: days must be integers 0..6`);
    }
    parseClock(start);
    parseClock(end);
    this.#windows.set(window.id, window);
  }

  /** Removes a silence or window by id; false when there was none. */
  remove(id: string): boolean {
    return this.#silences.delete(id) || this.#windows.delete(id);
  }

  /**
   * The silence muting this alert now, or null. For a maintenance window the answer is a
   * silence for the current occurrence (id of the window, its start and end).
   */
  isSilenced(labels: Labels, fingerprint: string, now: number): Silence | null {
    for (const s of this.#silences.values()) {
      if (now < s.startsAt || now >= s.endsAt) continue;
      if (s.muteUntilResolved && s.muteUntilResolved.fingerprint !== fingerprint) continue;
      if (matches(s.matchers, labels)) return s;
    }
    for (const w of this.#windows.values()) {
      if (!matches(w.matchers, labels)) continue;
      const occurrence = currentOccurrence(w, now);
      if (occurrence === null) continue;
      const { id, matchers, createdBy, comment } = w;
      return { id, matchers, createdBy, comment, ...occurrence };
    }
    return null;
  }

  /** Ends (endsAt = now) the mute-until-resolved silences of this alert; returns their ids. */
  alertResolved(fingerprint: string, now: number): string[] {
    const ended: string[] = [];
    for (const s of this.#silences.values()) {
      if (s.muteUntilResolved?.fingerprint !== fingerprint || now >= s.endsAt) continue;
      this.#silences.set(s.id, { ...s, endsAt: Math.max(now, s.startsAt + 1) });
      ended.push(s.id);
    }
    return ended;
  }

  /** Silences active now (maintenance windows not included). */
  active(now: number): Silence[] {
    return [...this.#silences.values()].filter((s) => s.startsAt <= now && now < s.endsAt);
  }

  /** Drops silences that ended more than `retainMs` ago; returns how many. */
  prune(now: number, retainMs = 0): number {
    let dropped = 0;
    for (const s of this.#silences.values()) {
      if (s.endsAt + retainMs <= now) {
        this.#silences.delete(s.id);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.#silences.size + this.#windows.size;
  }

  toState(): SilenceSetState {
    return { silences: [...this.#silences.values()], windows: [...this.#windows.values()] };
  }

  static fromState(state: SilenceSetState): SilenceSet {
    const set = new SilenceSet();
    state.silences.forEach((s) => set.add(s));
    state.windows.forEach((w) => set.addMaintenance(w));
    return set;
  }
}

/** The occurrence of a weekly window containing `now`, or null. */
function currentOccurrence(
  w: MaintenanceWindow,
  now: number,
): { startsAt: number; endsAt: number } | null {
  const start = parseClock(w.weekly.start);
  const end = parseClock(w.weekly.end);
  const length = end > start ? end - start : end - start + DAY;
  const inWeek = (((now + EPOCH_TO_SUNDAY) % WEEK) + WEEK) % WEEK;
  for (const day of w.weekly.days) {
    const since = (((inWeek - (day * DAY + start)) % WEEK) + WEEK) % WEEK;
    if (since < length) return { startsAt: now - since, endsAt: now - since + length };
  }
  return null;
}

/** `HH:MM` to milliseconds since midnight. */
function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (m === null) throw new RangeError(`expected HH:MM (00:00..23:59), got '${hhmm}'`);
  return (Number(m[1]) * 60 + Number(m[2])) * MINUTE;
}
