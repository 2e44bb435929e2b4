import { RE2JS, RE2JSException } from 're2js';

import { RUNBOOK_LIMITS, type ParameterValue, type RunbookParameter } from './runbook.types';

/**
 * Binding a runbook's parameters from an alert, anomaly, pattern or explicit input. Everything
 * taken from logs is hostile until proven otherwise: a value is coerced to its declared type and
 * must pass the parameter's pattern, allowlist, bounds and length before any step may use it.
 * A run whose parameters do not bind never starts (the executor relies on this).
 */

/** Where `from` paths read. Label and annotation values are strings, as Alertmanager has them. */
export interface ParameterSources {
  alert?: {
    labels?: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
  };
  anomaly?: { service?: string };
  /** The pattern parameters of the triggering log line, 0-based as in the log store. */
  pattern?: { params?: readonly string[] };
  input?: Readonly<Record<string, unknown>>;
}

export type BoundParameters = Record<string, ParameterValue>;

export interface ParameterError {
  parameter: string;
  message: string;
}

export type BindResult =
  { ok: true; values: BoundParameters } | { ok: false; errors: ParameterError[] };

const DEFAULT_MAX_LENGTH = 256;
const CONTROL = /[\u0000-\u001f\u007f]/;
const INTEGER_TEXT = /^[+-]?\d{1,15}$/;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/;
const patternCache = new Map<string, RE2JS>();

/**
 * Why a parameter pattern is unsafe, or null when it is fine. Patterns are RE2 (linear time), so
 * backreferences and lookarounds are refused, and their length is bounded.
 */
export function checkParameterPattern(pattern: string): string | null {
  if (pattern.length > RUNBOOK_LIMITS.maxPatternLength) {
    return `pattern is longer than ${RUNBOOK_LIMITS.maxPatternLength} characters`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'pattern uses a backreference';
  if (/\(\?<?[=!]/.test(pattern)) return 'pattern uses a lookaround';
  try {
    compilePattern(pattern);
    return null;
  } catch (err) {
    if (err instanceof RE2JSException) return `pattern is not valid RE2: ${err.message}`;
    throw err;
  }
}

function compilePattern(pattern: string): RE2JS {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    re = RE2JS.compile(`^(?:${pattern})$`);
    if (patternCache.size >= 1_000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re;
}

/** Reads a `from` path out of the sources; undefined when absent. Own properties only. */
export function readSource(from: string, sources: ParameterSources): unknown {
  const own = (obj: Readonly<Record<string, unknown>> | undefined, key: string): unknown =>
    obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
  if (from.startsWith('alert.labels.')) {
    return own(sources.alert?.labels, from.slice('alert.labels.'.length));
  }
  if (from.startsWith('alert.annotations.')) {
    return own(sources.alert?.annotations, from.slice('alert.annotations.'.length));
  }
  if (from === 'anomaly.service') return sources.anomaly?.service;
  if (from.startsWith('pattern.param.')) {
    const index = Number(from.slice('pattern.param.'.length));
    return Number.isSafeInteger(index) ? sources.pattern?.params?.[index] : undefined;
  }
  if (from.startsWith('input.')) return own(sources.input, from.slice('input.'.length));
  return undefined;
}

/**
 * Coerces one raw value to a parameter's type and checks it; the message never repeats more than
 * a short, escaped prefix of the value.
 */
export function checkParameterValue(
  def: RunbookParameter,
  raw: unknown,
): { ok: true; value: ParameterValue } | { ok: false; message: string } {
  const fail = (why: string): { ok: false; message: string } => ({
    ok: false,
    message: `${show(raw)} ${why}`,
  });
  switch (def.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
      return fail('is not a boolean');
    case 'integer':
    case 'number': {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (
        typeof raw === 'string' &&
        (def.type === 'integer' ? INTEGER_TEXT : NUMBER_TEXT).test(raw.trim())
      )
        n = Number(raw.trim());
      else return fail(`is not ${def.type === 'integer' ? 'an integer' : 'a number'}`);
      if (!Number.isFinite(n)) return fail('is not finite');
      if (def.type === 'integer' && !Number.isSafeInteger(n)) return fail('is not an integer');
      if (def.min !== undefined && n < def.min) return fail(`is below the minimum ${def.min}`);
      if (def.max !== undefined && n > def.max) return fail(`is above the maximum ${def.max}`);
      if (def.allowed !== undefined && !def.allowed.some((a) => a === n)) {
        return fail('is not one of the allowed values');
      }
      return { ok: true, value: n };
    }
    case 'string':
    case 'enum': {
      if (typeof raw !== 'string') return fail('is not a string');
      const maxLength = def.maxLength ?? DEFAULT_MAX_LENGTH;
      if (raw.length > maxLength) return fail(`is longer than ${maxLength} characters`);
      if (CONTROL.test(raw)) return fail('contains control characters');
      if (def.allowed !== undefined && !def.allowed.some((a) => a === raw)) {
        return fail('is not one of the allowed values');
      }
      if (def.type === 'enum' && def.allowed === undefined) return fail('has no allowed values');
      if (def.pattern !== undefined) {
        if (checkParameterPattern(def.pattern) !== null)
          return fail('cannot be checked: unsafe pattern');
        if (!compilePattern(def.pattern).matches(raw)) return fail(`does not match ${def.pattern}`);
      }
      return { ok: true, value: raw };
    }
  }
}

/**
 * Binds every parameter from its `from` source (default `input.<name>`), falling back to its
 * default; reports every failure at once rather than the first.
 *
 * @example
 *   bindParameters(
 *     [{ name: 'service', type: 'enum', from: 'alert.labels.service', allowed: ['api', 'web'] }],
 *     { alert: { labels: { service: 'svc; rm -rf /' } } },
 *   ); // { ok: false, errors: [{ parameter: 'service', message: '"svc; rm -rf /" is not one of ...' }] }
 */
export function bindParameters(
  defs: readonly RunbookParameter[],
  sources: ParameterSources,
): BindResult {
  const values: BoundParameters = {};
  const errors: ParameterError[] = [];
  for (const def of defs) {
    const raw = readSource(def.from ?? `input.${def.name}`, sources);
    if (raw === undefined || raw === null) {
      if (def.default !== undefined) values[def.name] = def.default;
      else if (def.required === true) {
        errors.push({
          parameter: def.name,
          message: `required, but ${def.from ?? `input.${def.name}`} is absent`,
        });
      }
      continue;
    }
    const checked = checkParameterValue(def, raw);
    if (checked.ok) values[def.name] = checked.value;
    else errors.push({ parameter: def.name, message: checked.message });
  }
  return errors.length === 0 ? { ok: true, values } : { ok: false, errors };
}

function show(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  const json = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return typeof raw === 'string' ? json : text.slice(0, 40);
}
