import { flattenEntry } from '../../formats/normalize/flatten';

/** A field of one OTLP record that cannot be stored; the record is rejected with `message`. */
export class OtlpFieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpFieldError';
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

  anyValue(value: unknown, where: string, depth = 1): unknown {
    if (value === undefined || value === null) return null;
    if (!isObject(value)) throw new OtlpFieldError(`${where} must be an AnyValue object`);
    if (depth > this.limits.maxDepth) {
      throw new OtlpFieldError(`${where} nests deeper than ${this.limits.maxDepth} levels`);
    }
    if (value.stringValue !== undefined) {
      if (typeof value.stringValue !== 'string') {
        throw new OtlpFieldError(`${where}.stringValue must be a string`);
      }
      return this.take(value.stringValue);
    }
    if (value.boolValue !== undefined) {
      if (typeof value.boolValue !== 'boolean') {
        throw new OtlpFieldError(`${where}.boolValue must be a boolean`);
      }
      return this.scalar(value.boolValue);
    }
    if (value.intValue !== undefined) return this.scalar(readInt64(value.intValue, where));
    if (value.doubleValue !== undefined) return this.scalar(readDouble(value.doubleValue, where));
    if (value.bytesValue !== undefined) return this.take(readBytes(value.bytesValue, where));
    if (value.arrayValue !== undefined) {
      const values = listOf(value.arrayValue, `${where}.arrayValue`);
      const out: unknown[] = [];
      for (let i = 0; i < values.length; i++) {
        out.push(this.anyValue(values[i], `${where}.arrayValue.values[${i}]`, depth + 1));
      }
      return out;
    }
    if (value.kvlistValue !== undefined) {
      const values = listOf(value.kvlistValue, `${where}.kvlistValue`);
      return this.keyValues(values, `${where}.kvlistValue.values`, depth + 1);
    }
    // An AnyValue with no field set is an empty value (OTLP allows it).
    return null;
  }

  /** A KeyValue list as a null-prototype object (a `__proto__` key stays an ordinary key). */
  keyValues(list: unknown, where: string, depth = 1): Record<string, unknown> {
    if (list === undefined || list === null) return Object.create(null) as Record<string, unknown>;
    if (!Array.isArray(list)) throw new OtlpFieldError(`${where} must be an array of KeyValue`);
    const out = Object.create(null) as Record<string, unknown>;
    for (let i = 0; i < list.length; i++) {
      const kv: unknown = list[i];
      if (!isObject(kv) || typeof kv.key !== 'string') {
        throw new OtlpFieldError(`${where}[${i}] must be a KeyValue with a string key`);
      }
      out[kv.key] = this.anyValue(kv.value, `${where}[${i}].value`, depth);
      this.take(kv.key);
    }
    return out;
  }

  private take(s: string): string {
    this.#left -= s.length;
    if (this.#left < 0) {
      throw new OtlpFieldError(`the record is larger than ${this.limits.maxBytes} bytes`);
    }
    return s;
  }

  private scalar<T>(v: T): T {
    this.#left -= 8;
    if (this.#left < 0) {
      throw new OtlpFieldError(`the record is larger than ${this.limits.maxBytes} bytes`);
    }
    return v;
  }
}

/**
 * Copies converted attributes into a record's flat attribute map under `prefix`, nested kvlists
 * becoming dotted keys, until the map holds `max` keys. Returns how many keys did not fit.
 */
export function copyAttributes(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  prefix: string,
  max: number,
  count: { keys: number },
): number {
  let dropped = 0;
  for (const key in source) {
    if (count.keys >= max) {
      dropped++;
      continue;
    }
    count.keys += flattenEntry(target, prefix + key, source[key]);
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

function readInt64(value: unknown, where: string): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  throw new OtlpFieldError(`${where}.intValue must be an integer`);
}

function readDouble(value: unknown, where: string): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  // The protobuf JSON mapping spells the special values as strings.
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  throw new OtlpFieldError(`${where}.doubleValue must be a number`);
}

function readBytes(value: unknown, where: string): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) return value;
  throw new OtlpFieldError(`${where}.bytesValue must be base64`);
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
    hex = Buffer.from(value).toString('hex');
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
