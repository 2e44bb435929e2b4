import { LogTextTokenizer, type LogTextTokens } from '../text/log-text-tokenizer';
import type { ClassifierInput } from './classifier-types';
import { normaliseSeverity } from './severity';
import type { Taxonomy } from './taxonomy';

/** A rule-based guess at a category, with how much the rules agree on it, in (0, 1). */
export interface WeakLabel {
  category: string;
  strength: number;
}

/** Strength of a label that only the line's severity gave. */
export const FALLBACK_STRENGTH = 0.2;
/** A matched pattern is worth this many keywords. */
const PATTERN_SCORE = 2;

interface CompiledCategory {
  name: string;
  keywords: Set<string>;
  patterns: RegExp[];
}

const compiled = new WeakMap<Taxonomy, CompiledCategory[]>();
const tokenizer = new LogTextTokenizer();

function compile(taxonomy: Taxonomy): CompiledCategory[] {
  let c = compiled.get(taxonomy);
  if (c === undefined) {
    c = taxonomy.categories.map((d) => ({
      name: d.name,
      keywords: new Set((d.keywords ?? []).map((k) => k.toLowerCase())),
      patterns: (d.patterns ?? []).map((p) => new RegExp(p, 'i')),
    }));
    compiled.set(taxonomy, c);
  }
  return c;
}

/**
 * The rules a team starts with (weak supervision in the sense of Ratner et al., "Snorkel",
 * VLDB 2017, with one hand-written labelling function per category): each category scores one
 * point per distinct keyword among the line's tokens and two per matching pattern; the best score
 * wins (ties go to the category listed first) with strength best / (best + runner-up + 1), so one
 * lone keyword gives 0.5 and clear, uncontested evidence approaches 1. A line no rule matches is
 * labelled by its severity through the taxonomy's `severityFallbacks` (an error with no other
 * clue is an application error, an info line routine) at strength 0.2, or not at all (null).
 * The message is read, or the template when there is no message.
 *
 * @example
 *   weakLabel({ message: 'Failed password for root from 1.2.3.4' }, DEFAULT_TAXONOMY);
 *   // { category: 'authentication', strength: … }
 */
export function weakLabel(
  input: ClassifierInput,
  taxonomy: Taxonomy,
  tokens?: LogTextTokens,
): WeakLabel | null {
  const text = input.message !== '' ? input.message : (input.template ?? '');
  const t = tokens ?? tokenizer.tokenize(text);
  const terms = new Set([...t.words, ...t.pieces]);
  let best = 0;
  let second = 0;
  let winner: string | null = null;
  for (const category of compile(taxonomy)) {
    let score = 0;
    for (const term of terms) if (category.keywords.has(term)) score++;
    for (const p of category.patterns) if (p.test(text)) score += PATTERN_SCORE;
    if (score > best) {
      second = best;
      best = score;
      winner = category.name;
    } else if (score > second) second = score;
  }
  if (winner !== null) return { category: winner, strength: best / (best + second + 1) };
  const fallback = taxonomy.severityFallbacks?.[normaliseSeverity(input.severity)];
  return fallback === undefined ? null : { category: fallback, strength: FALLBACK_STRENGTH };
}
