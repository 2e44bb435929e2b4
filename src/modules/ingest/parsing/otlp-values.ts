import { flattenEntry } from '../../formats/normalize/flatten';

/**
 * A field of one OTLP record that cannot be stored; the record is rejected with `message`.
 * The path is built while the error unwinds (`within`), so the happy path builds no strings.
 */
export class OtlpFieldError extends Error {
  #path = '';

  /**
   * `detail` continues the field's path (`.stringValue must be a string`, ` must be ...`);
   * a `pathless` error is about the whole record and never gets one.
   */
  constructor(
    private readonly detail: string,
    private readonly pathless = false,
  ) {
    super(detail);
    this.name = 'OtlpFieldError';
  }

  /** Prefixes the path of the enclosing field and returns the same error. */
  within(segment: string): OtlpFieldError {
    if (this.pathless) return this;
    this.#path = segment + this.#path;
    this.message = this.#path + this.detail;
    return this;
  }
}

/** Limits applied while converting one record's values. */
export interface ValueLimits {
  /** Deepest nesting of arrayValue / kvlistValue. */
  maxDepth: number;
  /** Budget of characters (strings, keys) and scalars for one record. */
  maxBytes: number;
}

/**
 * Converts OTLP AnyValues, as decoded from protobuf (`toObject` with longs as strings, bytes as
 * Uint8Array) or parsed from OTLP JSON (int64 as string or number, bytes as base64), into plain
 * values: kvlists become null-prototype objects, int64 a number when it is exactly representable
 * (else its decimal string), bytes their base64 text. Throws OtlpFieldError on values of the
 * wrong type, on nesting past `maxDepth` and when the budget runs out.
 */
export class OtlpValueReader {
  #left: number;

  constructor(private readonly limits: ValueLimits) {
    this.#left = limits.maxBytes;
  }

  /** Starts a fresh budget (one per record). */
  reset(): void {
    this.#left = this.limits.maxBytes;
  }

  /** One AnyValue; errors carry the path below `where`. */
  anyValue(value: unknown, where: string, depth = 1): unknown {
    try {
      return this.value(value, depth);
    } catch (err) {
      if (err instanceof OtlpFieldError) throw err.within(where);
      throw err;
    }
  }

  /** A KeyValue list as a null-prototype object (a `__proto__` key stays an ordinary key). */
  keyValues(list: unknown, where: string, depth = 1): Record<string, unknown> {
    try {
      return this.pairs(list, depth);
    } catch (err) {
      if (err instanceof OtlpFieldError) throw err.within(where);
      throw err;
    }
  }

  /** A KeyValue list as entries, in order: cheaper to walk than an object for a record's own list. */
  entries(list: unknown, where: string): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    if (list === undefined || list === null) return out;
    if (!Array.isArray(list)) {
      throw new OtlpFieldError(' must be an array of KeyValue').within(where);
    }
    for (let i = 0; i < list.length; i++) {
      const kv: unknown = list[i];
      if (!isObject(kv) || typeof kv.key !== 'string') {
        throw new OtlpFieldError(`[${i}] must be a KeyValue with a string key`).within(where);
      }
      try {
        out.push([kv.key, this.value(kv.value, 1)]);
      } catch (err) {
        if (err instanceof OtlpFieldError) throw err.within(`[${i}].value`).within(where);
        throw err;
      }
      this.take(kv.key);
    }
    return out;
  }

  private value(value: unknown, depth: number): unknown {
    if (value === undefined || value === null) return null;
    if (!isObject(value)) throw new OtlpFieldError(' must be an AnyValue object');
    if (depth > this.limits.maxDepth) {
      throw new OtlpFieldError(` nests deeper than ${this.limits.maxDepth} levels`);
    }
    if (value.stringValue !== undefined) {
      if (typeof value.stringValue !== 'string') {
        throw new OtlpFieldError('.stringValue must be a string');
      }
      return this.take(value.stringValue);
    }
    if (value.boolValue !== undefined) {
      if (typeof value.boolValue !== 'boolean') {
        throw new OtlpFieldError('.boolValue must be a boolean');
      }
      return this.scalar(value.boolValue);
    }
    if (value.intValue !== undefined) return this.scalar(readInt64(value.intValue));
    if (value.doubleValue !== undefined) return this.scalar(readDouble(value.doubleValue));
    if (value.bytesValue !== undefined) return this.take(readBytes(value.bytesValue));
    if (value.arrayValue !== undefined) {
      const values = listOf(value.arrayValue, '.arrayValue');
      const out: unknown[] = [];
      for (let i = 0; i < values.length; i++) {
        try {
          out.push(this.value(values[i], depth + 1));
        } catch (err) {
          if (err instanceof OtlpFieldError) throw err.within(`.arrayValue.values[${i}]`);
          throw err;
        }
      }
      return out;
    }
    if (value.kvlistValue !== undefined) {
      const values = listOf(value.kvlistValue, '.kvlistValue');
      try {
        return this.pairs(values, depth + 1);
      } catch (err) {
        if (err instanceof OtlpFieldError) throw err.within('.kvlistValue.values');
        throw err;
      }
    }
    // An AnyValue with no field set is an empty value (OTLP allows it).
    return null;
  }

  private pairs(list: unknown, depth: number): Record<string, unknown> {
    const out = Object.create(null) as Record<string, unknown>;
    if (list === undefined || list === null) return out;
    if (!Array.isArray(list)) throw new OtlpFieldError(' must be an array of KeyValue');
    for (let i = 0; i < list.length; i++) {
      const kv: unknown = list[i];
      if (!isObject(kv) || typeof kv.key !== 'string') {
        throw new OtlpFieldError(`[${i}] must be a KeyValue with a string key`);
      }
      try {
        out[kv.key] = this.value(kv.value, depth);
      } catch (err) {
        if (err instanceof OtlpFieldError) throw err.within(`[${i}].value`);
        throw err;
      }
      this.take(kv.key);
    }
    return out;
  }

  private take(s: string): string {
    this.#left -= s.length;
    if (this.#left < 0) throw this.tooLarge();
    return s;
  }

  private scalar<T>(v: T): T {
    this.#left -= 8;
    if (this.#left < 0) throw this.tooLarge();
    return v;
  }

  private tooLarge(): OtlpFieldError {
    return new OtlpFieldError(`the record is larger than ${this.limits.maxBytes} bytes`, true);
  }
}

export type AttributeEntries = ReadonlyArray<readonly [string, unknown]>;

/**
 * Copies converted attributes into a record's flat attribute map, nested kvlists becoming dotted
 * keys, until the map holds `max` keys. Returns how many entries did not fit.
 */
export function copyAttributes(
  target: Record<string, unknown>,
  source: AttributeEntries,
  max: number,
  count: { keys: number },
): number {
  let dropped = 0;
  for (let i = 0; i < source.length; i++) {
    if (count.keys >= max) {
      dropped++;
      continue;
    }
    const [key, value] = source[i] as readonly [string, unknown];
    count.keys += flattenEntry(target, key, value);
  }
  return dropped;
}

const DIGITS = /^\d{1,20}$/;

/** Epoch milliseconds from a `*UnixNano` field (0 or absent: not set). */
export function readUnixNanoAsMs(value: unknown, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new OtlpFieldError(`${where} must be a non-negative integer of nanoseconds`);
    }
    return Math.floor(value / 1e6);
  }
  if (typeof value === 'string' && DIGITS.test(value)) {
    // Drop the sub-millisecond digits as text: 19-digit nanoseconds do not fit a double exactly.
    return value.length <= 6 ? 0 : Number(value.slice(0, -6));
  }
  throw new OtlpFieldError(`${where} must be a decimal integer of nanoseconds`);
}

function readInt64(value: unknown): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  throw new OtlpFieldError('.intValue must be an integer');
}

function readDouble(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  // The protobuf JSON mapping spells the special values as strings.
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  throw new OtlpFieldError('.doubleValue must be a number');
}

function readBytes(value: unknown): string {
  if (value instanceof Uint8Array) return bufferOf(value).toString('base64');
  if (typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) return value;
  throw new OtlpFieldError('.bytesValue must be base64');
}

/**
 * A trace or span id: `bytes` from protobuf, hex from OTLP JSON. Empty or all zeros means
 * "not set" (null); any other length is an error.
 */
export function readId(value: unknown, bytes: number, where: string): string | null {
  let hex: string;
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) {
    if (value.length === 0) return null;
    if (value.length !== bytes) {
      throw new OtlpFieldError(`${where} must be ${bytes} bytes, got ${value.length}`);
    }
    hex = bufferOf(value).toString('hex');
  } else if (typeof value === 'string') {
    if (value.length === 0) return null;
    if (value.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(value)) {
      throw new OtlpFieldError(`${where} must be ${bytes * 2} hex digits`);
    }
    hex = value.toLowerCase();
  } else {
    throw new OtlpFieldError(`${where} must be a hex string`);
  }
  return /^0+$/.test(hex) ? null : hex;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function listOf(container: unknown, where: string): unknown[] {
  if (!isObject(container)) throw new OtlpFieldError(`${where} must be an object`);
  const values = container.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) throw new OtlpFieldError(`${where}.values must be an array`);
  return values;
}

/** A Buffer view of the same bytes, without copying. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
