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

/** A position's statistics while summing: a Map is several times cheaper to count into. */
class ParamAcc {
  readonly top = new Map<string, number>();
  other = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;

  add(raw: string): void {
    const value = clip(raw);
    const top = this.top;
    const n = top.get(value);
    if (n !== undefined) top.set(value, n + 1);
    else if (top.size < MAX_TOP_VALUES) top.set(value, 1);
    else this.other++;
    const c = value.charCodeAt(0);
    // A digit or '-' first: only then is the regular expression worth running.
    if (((c >= 48 && c <= 57) || c === 45) && NUMERIC.test(value)) {
      const x = Number(value);
      this.count++;
      if (x < this.min) this.min = x;
      if (x > this.max) this.max = x;
      this.sum += x;
    }
  }

  toStats(): ParamStats {
    return {
      top: Object.fromEntries(this.top),
      other: this.other,
      numeric:
        this.count === 0
          ? null
          : { count: this.count, min: this.min, max: this.max, sum: this.sum },
    };
  }
}

/** A PatternDelta while it is summed. */
interface Acc extends Omit<PatternDelta, 'params'> {
  params: ParamAcc[];
}

/**
 * Sums mined records per pattern in memory between two flushes, so the catalogue costs a few
 * upserts per pattern every couple of seconds instead of a write per record.
 */
export class PatternAccumulator {
  /** Tenant → pattern id → sums. */
  #deltas = new Map<string, Map<string, Acc>>();
  #rekeys: Rekey[] = [];
  #size = 0;

  /** Patterns with sums waiting. */
  get size(): number {
    return this.#size;
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
    const tenant = this.#tenant(tenantId);
    let delta = tenant.get(id);
    if (delta === undefined) {
      delta = newAcc(tenantId, service, id, template, timestamp);
      tenant.set(id, delta);
      this.#size++;
    } else {
      delta.template = template;
      if (timestamp < delta.firstSeen) delta.firstSeen = timestamp;
      if (timestamp > delta.lastSeen) delta.lastSeen = timestamp;
    }
    delta.count++;
    const hour = timestamp - (((timestamp % HOUR_MS) + HOUR_MS) % HOUR_MS);
    const hours = delta.hours;
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
    if (delta.examples.length < MAX_EXAMPLES) delta.examples.push(clip(line));
    const n = Math.min(parameters.length, MAX_PARAM_POSITIONS);
    const params = delta.params;
    for (let p = 0; p < n; p++) {
      let acc = params[p];
      if (acc === undefined) {
        acc = new ParamAcc();
        params[p] = acc;
      }
      acc.add(parameters[p] as string);
    }
  }

  /**
   * The pattern `from` is now `to`: what was summed under `from` moves, and the row is re-keyed.
   * Parameter statistics start over: the template's `<*>` positions are not the old ones.
   */
  rekey(tenantId: string, service: string, from: string, to: string, template: string): void {
    if (from === to) return;
    this.#rekeys.push({ tenantId, service, from, to, template });
    const tenant = this.#tenant(tenantId);
    const old = tenant.get(from);
    if (old === undefined) {
      // Nothing summed under `from` since the last flush; the stored row is re-keyed at flush.
      tenant.get(to)?.aliases.push(from);
      return;
    }
    tenant.delete(from);
    const aliases = [...old.aliases, from];
    const into = tenant.get(to);
    if (into === undefined) {
      tenant.set(to, { ...old, id: to, template, params: [], aliases });
      return;
    }
    this.#size--;
    mergeAcc(into, { ...old, aliases });
  }

  /** Forgets everything of a tenant (its data was erased). */
  dropTenant(tenantId: string): void {
    this.#size -= this.#deltas.get(tenantId)?.size ?? 0;
    this.#deltas.delete(tenantId);
    this.#rekeys = this.#rekeys.filter((r) => r.tenantId !== tenantId);
  }

  /** Everything summed since the last call, re-keys first (in the order they happened). */
  take(): { rekeys: Rekey[]; deltas: PatternDelta[] } {
    const deltas: PatternDelta[] = [];
    for (const tenant of this.#deltas.values()) {
      for (const a of tenant.values())
        deltas.push({ ...a, params: a.params.map((p) => p.toStats()) });
    }
    const out = { rekeys: this.#rekeys, deltas };
    this.#deltas = new Map();
    this.#rekeys = [];
    this.#size = 0;
    return out;
  }

  #tenant(tenantId: string): Map<string, Acc> {
    let tenant = this.#deltas.get(tenantId);
    if (tenant === undefined) {
      tenant = new Map();
      this.#deltas.set(tenantId, tenant);
    }
    return tenant;
  }
}

function newAcc(
  tenantId: string,
  service: string,
  id: string,
  template: string,
  timestamp: number,
): Acc {
  return {
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
}

/** Adds `from`'s sums into `into`; `from`'s statistics are dropped (other positions). */
function mergeAcc(into: Acc, from: Acc): void {
  into.firstSeen = Math.min(into.firstSeen, from.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
  into.count += from.count;
  for (const [hour, n] of from.hours) into.hours.set(hour, (into.hours.get(hour) ?? 0) + n);
  for (const example of from.examples) {
    if (into.examples.length >= MAX_EXAMPLES) break;
    into.examples.push(example);
  }
  for (const alias of from.aliases) if (!into.aliases.includes(alias)) into.aliases.push(alias);
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

function clip(value: string): string {
  return value.length <= MAX_VALUE_LENGTH ? value : value.slice(0, MAX_VALUE_LENGTH);
}
