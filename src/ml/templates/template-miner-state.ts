import { type MaskerName, MASKERS } from './log-tokenizer';

/**
 * The JSON snapshot of a {@link TemplateMiner}: options, counters and every learned pattern with
 * its tree path, so a restored miner routes, matches and evicts exactly like the original.
 * Kinds and spaces are digit strings (`'0210'`) to keep the snapshot compact.
 */
export interface TemplateMinerState {
  version: 1;
  options: {
    tenant: string;
    service: string;
    similarity: number;
    depth: number;
    maxChildren: number;
    maxPatterns: number;
    evictionScan: number;
    maxTokens: number;
    maskers: MaskerName[];
  };
  tick: number;
  seq: number;
  evictions: number;
  patterns: PatternState[];
  users: Array<{ id: string; template: string; count: number }>;
}

export interface PatternState {
  seq: number;
  tokens: string[];
  kinds: string;
  space: string;
  path: string[];
  count: number;
  last: number;
  /** Positions generalised into `<*>` (absent: 0). */
  generalised?: number;
  aliases?: string[];
  pinned?: true;
  mergedInto?: string;
}

function fail(what: string): never {
  throw new TypeError(`invalid template miner state: ${what}`);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Checks a snapshot in full (every pattern, every field) before anything is restored. */
export function validateState(state: unknown): TemplateMinerState {
  if (typeof state !== 'object' || state === null) fail('not an object');
  const s = state as Record<string, unknown>;
  if (s.version !== 1) fail(`unsupported version ${String(s.version)}`);
  const o = s.options as Record<string, unknown> | undefined;
  if (typeof o !== 'object' || o === null) fail('options missing');
  if (typeof o.tenant !== 'string' || typeof o.service !== 'string') fail('options.tenant/service');
  for (const key of [
    'similarity',
    'depth',
    'maxChildren',
    'maxPatterns',
    'evictionScan',
    'maxTokens',
  ]) {
    if (typeof o[key] !== 'number' || !Number.isFinite(o[key])) fail(`options.${key}`);
  }
  if (
    !isStrings(o.maskers) ||
    !o.maskers.every((m) => (MASKERS as readonly string[]).includes(m))
  ) {
    fail('options.maskers');
  }
  if (!isCount(s.tick) || !isCount(s.seq) || !isCount(s.evictions)) fail('counters');
  if (!Array.isArray(s.patterns)) fail('patterns');
  s.patterns.forEach((p: unknown, i) => {
    if (typeof p !== 'object' || p === null) fail(`patterns[${i}]`);
    const q = p as Record<string, unknown>;
    if (!isCount(q.seq) || !isCount(q.count) || !isCount(q.last)) fail(`patterns[${i}] counters`);
    if (!isStrings(q.tokens) || !isStrings(q.path)) fail(`patterns[${i}] tokens/path`);
    const n = q.tokens.length;
    if (typeof q.kinds !== 'string' || q.kinds.length !== n || !/^[012]*$/.test(q.kinds))
      fail(`patterns[${i}].kinds`);
    if (typeof q.space !== 'string' || q.space.length !== n || !/^[01]*$/.test(q.space))
      fail(`patterns[${i}].space`);
    if (q.generalised !== undefined && !isCount(q.generalised)) fail(`patterns[${i}].generalised`);
    if (q.aliases !== undefined && !isStrings(q.aliases)) fail(`patterns[${i}].aliases`);
    if (q.pinned !== undefined && q.pinned !== true) fail(`patterns[${i}].pinned`);
    if (q.mergedInto !== undefined && typeof q.mergedInto !== 'string')
      fail(`patterns[${i}].mergedInto`);
  });
  if (!Array.isArray(s.users)) fail('users');
  s.users.forEach((u: unknown, i) => {
    const q = u as Record<string, unknown> | null;
    if (
      typeof q !== 'object' ||
      q === null ||
      typeof q.id !== 'string' ||
      typeof q.template !== 'string' ||
      !isCount(q.count)
    ) {
      fail(`users[${i}]`);
    }
  });
  return s as unknown as TemplateMinerState;
}
