import type { LogFormat } from '../log-format';
import { BUILT_IN_FORMATS, MESSAGE_PARSERS } from './index';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };
const NOISE = [
  '',
  ' ',
  '"',
  '\\',
  '=',
  '|',
  ']',
  '[',
  ':',
  '\t',
  '\n',
  '{',
  '\u0000',
  '\uFEFF',
  'é',
];

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every prefix of the text, and copies with one character replaced by a troublesome one. */
function variants(text: string, rng: () => number): string[] {
  const out: string[] = [];
  for (let n = 0; n <= text.length; n++) out.push(text.slice(0, n));
  for (let k = 0; k < 200; k++) {
    const at = Math.floor(rng() * text.length);
    const noise = NOISE[Math.floor(rng() * NOISE.length)] as string;
    out.push(text.slice(0, at) + noise + text.slice(at + 1));
  }
  return out;
}

/** Parses and detects a line (or, for JSON formats, the decoded object when it decodes). */
function exercise(format: LogFormat, text: string): void {
  if (format.kind === 'line') {
    format.detect(text);
    const got = format.parse(text, ctx);
    expect(got === null || typeof got === 'object').toBe(true);
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return;
  const record = doc as Record<string, unknown>;
  format.detect(record);
  format.parse(record, ctx);
  // The same keys with values of the wrong type.
  for (const wrong of [null, 0, '', [], {}, true]) {
    const mangled: Record<string, unknown> = {};
    for (const key of Object.keys(record)) mangled[key] = wrong;
    format.detect(mangled);
    format.parse(mangled, ctx);
  }
}

describe('built-in formats on damaged input', () => {
  for (const format of BUILT_IN_FORMATS) {
    it(`${format.name}: never throws on cut or mangled samples`, () => {
      const rng = mulberry32(42);
      for (const sample of format.samples) {
        for (const variant of variants(sample.line, rng)) exercise(format, variant);
      }
    });
  }

  for (const p of MESSAGE_PARSERS) {
    it(`${p.name} messages: never throws on cut or mangled messages`, () => {
      const rng = mulberry32(7);
      for (const s of p.samples) {
        for (const variant of variants(s.message, rng)) {
          const got = p.parse(variant);
          expect(got === null || typeof got === 'object').toBe(true);
        }
      }
    });
  }
});
