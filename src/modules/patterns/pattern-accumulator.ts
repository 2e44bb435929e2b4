/** Example lines kept per pattern (catalogue and per flush). */
export const MAX_EXAMPLES = 5;
/** Distinct values counted per parameter position; further new values count as `other`. */
export const MAX_TOP_VALUES = 20;
/** Parameter positions with statistics (a template rarely has more). */
export const MAX_PARAM_POSITIONS = 16;
/** An example or a counted value is cut to this many characters. */
export const MAX_VALUE_LENGTH = 512;

const HOUR_MS = 3_600_000;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;

/** Statistics of one `<*>` position: its most frequent values and, for numbers, their range. */
export interface ParamStats {
  /** Value → count, at most MAX_TOP_VALUES values. */
  top: Record<string, number>;
  /** Occurrences whose value was not among the counted ones. */
  other: number;
  numeric: { count: number; min: number; max: number; sum: number } | null;
}

/** What a batch of records added to one pattern, waiting to be flushed. */
export interface PatternDelta {
  tenantId: string;
  service: string;
  id: string;
  template: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** Hour start (epoch ms) → records. */
  hours: Map<number, number>;
  examples: string[];
  params: ParamStats[];
  /** Earlier ids of the pattern met in this batch (re-keys), recorded as aliases. */
  aliases: string[];
}

/** A pattern whose id changed (its template generalised): its catalogue row is re-keyed. */
export interface Rekey {
  tenantId: string;
  service: string;
  from: string;
  to: string;
  template: string;
}

/**
 * Sums mined records per pattern in memory between two flushes, so the catalogue costs a few
 * upserts per pattern every couple of seconds instead of a write per record.
 */
export class PatternAccumulator {
  #deltas = new Map<string, PatternDelta>();
  #rekeys: Rekey[] = [];

  get size(): number {
    return this.#deltas.size;
  }

  add(
    tenantId: string,
    service: string,
    id: string,
    template: string,
    parameters: readonly string[],
    timestamp: number,
    line: string,
  ): void {
    const key = `${tenantId}\u0000${id}`;
    let delta = this.#deltas.get(key);
    if (delta === undefined) {
      delta = {
        tenantId,
        service,
        id,
        template,
        firstSeen: timestamp,
        lastSeen: timestamp,
        count: 0,
        hours: new Map(),
        examples: [],
        params: [],
        aliases: [],
      };
      this.#deltas.set(key, delta);
    } else {
      delta.template = template;
      if (timestamp < delta.firstSeen) delta.firstSeen = timestamp;
      if (timestamp > delta.lastSeen) delta.lastSeen = timestamp;
    }
    delta.count++;
    const hour = Math.floor(timestamp / HOUR_MS) * HOUR_MS;
    delta.hours.set(hour, (delta.hours.get(hour) ?? 0) + 1);
    if (delta.examples.length < MAX_EXAMPLES) delta.examples.push(clip(line));
    const n = Math.min(parameters.length, MAX_PARAM_POSITIONS);
    for (let p = 0; p < n; p++) {
      const stats = (delta.params[p] ??= emptyParamStats());
      countValue(stats, parameters[p] as string, 1);
    }
  }

  /**
   * The pattern `from` is now `to`: what was summed under `from` moves, and the row is re-keyed.
   * Parameter statistics start over: the template's `<*>` positions are not the old ones.
   */
  rekey(tenantId: string, service: string, from: string, to: string, template: string): void {
    if (from === to) return;
    this.#rekeys.push({ tenantId, service, from, to, template });
    const key = `${tenantId}\u0000${to}`;
    const old = this.#deltas.get(`${tenantId}\u0000${from}`);
    if (old === undefined) {
      // Nothing summed under `from` in this batch; the stored row (if any) is re-keyed at flush.
      this.#deltas.get(key)?.aliases.push(from);
      return;
    }
    this.#deltas.delete(`${tenantId}\u0000${from}`);
    const aliases = [...old.aliases, from];
    const into = this.#deltas.get(key);
    if (into === undefined) {
      this.#deltas.set(key, { ...old, id: to, template, params: [], aliases });
      return;
    }
    mergeDelta(into, { ...old, params: [], aliases });
  }

  /** Forgets everything of a tenant (its data was erased). */
  dropTenant(tenantId: string): void {
    for (const [key, delta] of this.#deltas)
      if (delta.tenantId === tenantId) this.#deltas.delete(key);
    this.#rekeys = this.#rekeys.filter((r) => r.tenantId !== tenantId);
  }

  /** Everything summed since the last call, re-keys first (in the order they happened). */
  take(): { rekeys: Rekey[]; deltas: PatternDelta[] } {
    const out = { rekeys: this.#rekeys, deltas: [...this.#deltas.values()] };
    this.#deltas = new Map();
    this.#rekeys = [];
    return out;
  }
}

export function emptyParamStats(): ParamStats {
  return { top: {}, other: 0, numeric: null };
}

/** Counts `n` occurrences of a value into a position's statistics. */
export function countValue(stats: ParamStats, raw: string, n: number): void {
  const value = clip(raw);
  const top = stats.top;
  if (Object.hasOwn(top, value)) top[value] = (top[value] as number) + n;
  else if (Object.keys(top).length < MAX_TOP_VALUES) top[value] = n;
  else stats.other += n;
  if (NUMERIC.test(value)) {
    const x = Number(value);
    const num = stats.numeric;
    if (num === null) stats.numeric = { count: n, min: x, max: x, sum: x * n };
    else {
      num.count += n;
      if (x < num.min) num.min = x;
      if (x > num.max) num.max = x;
      num.sum += x * n;
    }
  }
}

/** Adds `b`'s statistics into `a` (for a flush into a stored row, or a merge). */
export function mergeParamStats(a: ParamStats, b: ParamStats): ParamStats {
  const out: ParamStats = {
    top: { ...a.top },
    other: a.other + b.other,
    numeric: a.numeric === null ? null : { ...a.numeric },
  };
  // The most frequent of b's values first, so those are the ones kept when space runs out.
  const entries = Object.entries(b.top).sort((x, y) => y[1] - x[1]);
  for (const [value, n] of entries) {
    if (Object.hasOwn(out.top, value)) out.top[value] = (out.top[value] as number) + n;
    else if (Object.keys(out.top).length < MAX_TOP_VALUES) out.top[value] = n;
    else out.other += n;
  }
  if (b.numeric !== null) {
    const num = out.numeric;
    if (num === null) out.numeric = { ...b.numeric };
    else {
      num.count += b.numeric.count;
      num.min = Math.min(num.min, b.numeric.min);
      num.max = Math.max(num.max, b.numeric.max);
      num.sum += b.numeric.sum;
    }
  }
  return out;
}

export function mergeParamStatsList(
  a: readonly ParamStats[],
  b: readonly ParamStats[],
): ParamStats[] {
  const out: ParamStats[] = [];
  for (let p = 0; p < Math.max(a.length, b.length); p++) {
    out.push(mergeParamStats(a[p] ?? emptyParamStats(), b[p] ?? emptyParamStats()));
  }
  return out;
}

function mergeDelta(into: PatternDelta, from: PatternDelta): void {
  into.firstSeen = Math.min(into.firstSeen, from.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
  into.count += from.count;
  for (const [hour, n] of from.hours) into.hours.set(hour, (into.hours.get(hour) ?? 0) + n);
  for (const example of from.examples) {
    if (into.examples.length >= MAX_EXAMPLES) break;
    into.examples.push(example);
  }
  into.params = mergeParamStatsList(into.params, from.params);
  for (const alias of from.aliases) if (!into.aliases.includes(alias)) into.aliases.push(alias);
}

function clip(value: string): string {
  return value.length <= MAX_VALUE_LENGTH ? value : value.slice(0, MAX_VALUE_LENGTH);
}
