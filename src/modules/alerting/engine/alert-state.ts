/** Where an alert is in its life; `inactive` = its condition is false and it never fired since. */
export type AlertStatus = 'inactive' | 'pending' | 'firing' | 'acknowledged' | 'resolved';

/** Why a transition is not notified. */
export type HoldReason = 'flapping' | 'transient' | 'unconfirmed';

/** One thing that happened to an alert; `notify` says whether it is worth a notification. */
export interface AlertTransition {
  fingerprint: string;
  from: AlertStatus;
  to: AlertStatus;
  at: number;
  /** `status` = a status change; the others change what may be notified, not the status. */
  kind: 'status' | 'confirmed' | 'flapping_started' | 'flapping_stopped';
  notify: boolean;
  held?: HoldReason;
}

export interface TimelineEntry {
  at: number;
  status: AlertStatus;
  kind: AlertTransition['kind'];
  by?: string;
}

export interface AlertRecordState {
  fingerprint: string;
  status: AlertStatus;
  activeSince: number | null;
  firingSince: number | null;
  resolvedAt: number | null;
  acknowledgedBy: string | null;
  lastActive: boolean;
  /** Times the condition flipped, oldest first, within the flap window. */
  flips: number[];
  flapping: boolean;
  /** The status notifications see while flapping (frozen when flapping began). */
  heldStatus: 'firing' | 'resolved' | null;
  confirmed: boolean;
  transient: boolean;
  lastChange: number;
  timeline: TimelineEntry[];
}

export interface AlertTrackerOptions {
  /** A firing alert that resolves within this many ms is transient and never notified (default 0: off). */
  transientMs?: number;
  /** Sliding window over which condition flips are counted, ms (default one hour). */
  flapWindowMs?: number;
  /** Flips in the window at which an alert starts flapping (default 6: three fire/resolve cycles). */
  flapStart?: number;
  /** Flips in the window at or below which it stops flapping (default 2). */
  flapStop?: number;
  /** Timeline entries kept per alert, oldest dropped first (default 100). */
  maxTimeline?: number;
  /** Alerts tracked; beyond it the least recently changed inactive/resolved alert is evicted,
   * or the least recently changed alert when none is (default 10,000). */
  maxAlerts?: number;
}

export interface AlertTrackerState {
  /** Least recently changed first. */
  alerts: AlertRecordState[];
}

const NONE: readonly AlertTransition[] = Object.freeze([]);

/**
 * Per-alert state machine: `pending` (condition true, `for` not elapsed) → `firing` →
 * (`acknowledged`) → `resolved`, plus two noise filters:
 *
 * - Transient suppression: a firing alert is notified only once it has fired for `transientMs`
 *   (`confirmed`); one that resolves before is marked `transient` and never notified.
 * - Flap detection (after Nagios' flap detection, which compares the percentage of state changes
 *   over recent checks with a high and a low threshold): the condition flips within
 *   `flapWindowMs` are counted; at `flapStart` the alert starts flapping and stays so until the
 *   count falls to `flapStop` (hysteresis). While flapping nothing is notified: `reportStatus`
 *   stays what it was when flapping began and `notifiable` is false.
 *
 * Prometheus' `for` and Alertmanager's resolve semantics are the model for the states.
 *
 * @example
 *   const sut = new AlertTracker({ transientMs: 60_000 });
 *   sut.observe('fp', true, 0, 120_000); // → pending
 *   sut.observe('fp', true, 120_000, 120_000); // → firing (held: unconfirmed)
 *   sut.observe('fp', true, 180_000, 120_000); // → confirmed, notify
 */
export class AlertTracker {
  readonly #alerts = new Map<string, AlertRecordState>();
  readonly #transientMs: number;
  readonly #flapWindowMs: number;
  readonly #flapStart: number;
  readonly #flapStop: number;
  readonly #maxTimeline: number;
  readonly #maxAlerts: number;

  constructor(options: AlertTrackerOptions = {}) {
    this.#transientMs = nonNegative('transientMs', options.transientMs ?? 0);
    this.#flapWindowMs = nonNegative('flapWindowMs', options.flapWindowMs ?? 3_600_000);
    this.#flapStart = positiveInt('flapStart', options.flapStart ?? 6);
    this.#flapStop = nonNegative('flapStop', options.flapStop ?? 2);
    if (this.#flapStop >= this.#flapStart) throw new RangeError('flapStop must be below flapStart');
    this.#maxTimeline = positiveInt('maxTimeline', options.maxTimeline ?? 100);
    this.#maxAlerts = positiveInt('maxAlerts', options.maxAlerts ?? 10_000);
  }

  /**
   * Feeds one evaluation of an alert's condition. Returns the transitions it caused (usually
   * none; the empty result is a shared frozen array).
   */
  observe(
    fingerprint: string,
    active: boolean,
    now: number,
    forMs = 0,
  ): readonly AlertTransition[] {
    if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
    let a = this.#alerts.get(fingerprint);
    if (a === undefined) {
      if (!active) return NONE;
      a = this.#create(fingerprint, now);
    }
    let out: AlertTransition[] | null = null;
    const push = (t: AlertTransition): void => {
      (out ??= []).push(t);
    };
    if (active !== a.lastActive) {
      a.lastActive = active;
      a.flips.push(now);
    }
    this.#updateFlapping(a, now, push);
    const held = a.flapping ? 'flapping' : undefined;
    if (active) {
      const starting = a.status === 'inactive' || a.status === 'resolved';
      if (starting) {
        a.activeSince = now;
        a.transient = false;
        if (forMs > 0) this.#move(a, 'pending', now, 'status', false, held, push);
      }
      if ((starting || a.status === 'pending') && now - a.activeSince! >= forMs) {
        a.firingSince = now;
        a.resolvedAt = null;
        a.confirmed = this.#transientMs === 0;
        const notify = a.confirmed && !a.flapping;
        this.#move(
          a,
          'firing',
          now,
          'status',
          notify,
          held ?? (a.confirmed ? undefined : 'unconfirmed'),
          push,
        );
      }
      if (
        (a.status === 'firing' || a.status === 'acknowledged') &&
        !a.confirmed &&
        now - a.firingSince! >= this.#transientMs
      ) {
        a.confirmed = true;
        this.#move(a, a.status, now, 'confirmed', !a.flapping, held, push);
      }
    } else if (a.status === 'pending') {
      a.activeSince = null;
      this.#move(a, 'inactive', now, 'status', false, held, push);
    } else if (a.status === 'firing' || a.status === 'acknowledged') {
      a.transient = !a.confirmed;
      a.resolvedAt = now;
      a.acknowledgedBy = null;
      const reason = a.transient ? 'transient' : held;
      this.#move(a, 'resolved', now, 'status', reason === undefined, reason, push);
    }
    return out ?? NONE;
  }

  /** Marks a firing alert acknowledged (not notified); null when it is not firing. */
  acknowledge(fingerprint: string, now: number, by: string): AlertTransition | null {
    const a = this.#alerts.get(fingerprint);
    if (a?.status !== 'firing') return null;
    a.acknowledgedBy = by;
    let result: AlertTransition | null = null;
    this.#move(a, 'acknowledged', now, 'status', false, undefined, (t) => (result = t), by);
    return result;
  }

  /** The alert's state (a live object: do not modify), or undefined when not tracked. */
  get(fingerprint: string): Readonly<AlertRecordState> | undefined {
    return this.#alerts.get(fingerprint);
  }

  /**
   * The status notifications should see: `firing` (firing or acknowledged), `resolved`, or
   * null (never fired). While flapping, the status from when flapping began.
   */
  reportStatus(fingerprint: string): 'firing' | 'resolved' | null {
    const a = this.#alerts.get(fingerprint);
    if (a === undefined) return null;
    return a.flapping ? a.heldStatus : visibleStatus(a);
  }

  /** True when the alert fires, is confirmed (past `transientMs`) and is not flapping. */
  notifiable(fingerprint: string): boolean {
    const a = this.#alerts.get(fingerprint);
    return a !== undefined && !a.flapping && a.confirmed && visibleStatus(a) === 'firing';
  }

  /** The alert's state changes, oldest first (at most `maxTimeline`). */
  timeline(fingerprint: string): readonly TimelineEntry[] {
    return this.#alerts.get(fingerprint)?.timeline ?? [];
  }

  get size(): number {
    return this.#alerts.size;
  }

  toState(): AlertTrackerState {
    return { alerts: [...this.#alerts.values()].map((a) => structuredClone(a)) };
  }

  static fromState(state: AlertTrackerState, options: AlertTrackerOptions = {}): AlertTracker {
    const tracker = new AlertTracker(options);
    for (const a of state.alerts) tracker.#alerts.set(a.fingerprint, structuredClone(a));
    return tracker;
  }

  #create(fingerprint: string, now: number): AlertRecordState {
    if (this.#alerts.size >= this.#maxAlerts) this.#evict();
    const a: AlertRecordState = {
      fingerprint,
      status: 'inactive',
      activeSince: null,
      firingSince: null,
      resolvedAt: null,
      acknowledgedBy: null,
      lastActive: false,
      flips: [],
      flapping: false,
      heldStatus: null,
      confirmed: false,
      transient: false,
      lastChange: now,
      timeline: [],
    };
    this.#alerts.set(fingerprint, a);
    return a;
  }

  #evict(): void {
    for (const a of this.#alerts.values()) {
      if (a.status === 'inactive' || a.status === 'resolved') {
        this.#alerts.delete(a.fingerprint);
        return;
      }
    }
    const oldest = this.#alerts.keys().next();
    if (oldest.done !== true) this.#alerts.delete(oldest.value);
  }

  #updateFlapping(a: AlertRecordState, now: number, push: (t: AlertTransition) => void): void {
    while (a.flips.length > 0 && a.flips[0]! <= now - this.#flapWindowMs) a.flips.shift();
    if (a.flips.length > 2 * this.#flapStart)
      a.flips.splice(0, a.flips.length - 2 * this.#flapStart);
    if (!a.flapping && a.flips.length >= this.#flapStart) {
      a.heldStatus = visibleStatus(a);
      a.flapping = true;
      this.#move(a, a.status, now, 'flapping_started', false, 'flapping', push);
    } else if (a.flapping && a.flips.length <= this.#flapStop) {
      a.flapping = false;
      a.heldStatus = null;
      this.#move(a, a.status, now, 'flapping_stopped', true, undefined, push);
    }
  }

  #move(
    a: AlertRecordState,
    to: AlertStatus,
    now: number,
    kind: AlertTransition['kind'],
    notify: boolean,
    held: HoldReason | undefined,
    push: (t: AlertTransition) => void,
    by?: string,
  ): void {
    const from = a.status;
    a.status = to;
    a.lastChange = now;
    this.#alerts.delete(a.fingerprint);
    this.#alerts.set(a.fingerprint, a);
    a.timeline.push(
      by === undefined ? { at: now, status: to, kind } : { at: now, status: to, kind, by },
    );
    if (a.timeline.length > this.#maxTimeline) a.timeline.shift();
    const t: AlertTransition = { fingerprint: a.fingerprint, from, to, at: now, kind, notify };
    if (held !== undefined) t.held = held;
    push(t);
  }
}

function visibleStatus(a: AlertRecordState): 'firing' | 'resolved' | null {
  if (a.status === 'firing' || a.status === 'acknowledged') return 'firing';
  return a.firingSince === null ? null : 'resolved';
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0))
    throw new RangeError(`${name} must be >= 0, got ${value}`);
  return value;
}

function positiveInt(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
