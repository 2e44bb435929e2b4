const WILDCARD = '<*>';
const SPLIT = /([,;:=|"'()[\]{}])/;
const JOINED = /<\*>(?:[.:/#@_-]?<\*>)+/g;

/**
 * Normalises a template before comparison, the way the loghub-2.0 benchmark's template
 * corrections do (Khan et al., "Guidelines for Assessing the Accuracy of Log Message Template
 * Identification Techniques", ICSE 2022): whitespace runs become one space; a token that contains
 * a wildcard (`blk_<*>`, `/<*>/part-<*>.`) becomes `<*>`; wildcards joined by nothing or by one of
 * `. : / # @ _ -` collapse into one. Constants are never turned into wildcards.
 *
 * @example
 *   normalizeTemplate('Received  block blk_<*> src: /<*>:<*>'); // 'Received block <*> src: <*>'
 */
export function normalizeTemplate(template: string): string {
  const words = template.trim().split(/\s+/);
  const out: string[] = [];
  for (const word of words) {
    const parts = word.split(SPLIT).map((p) => (p.includes(WILDCARD) ? WILDCARD : p));
    out.push(parts.join(''));
  }
  let joined = out.join(' ');
  let previous;
  do {
    previous = joined;
    joined = joined.replace(JOINED, WILDCARD);
  } while (joined !== previous);
  return joined;
}

/** Strict normalisation: trims and collapses whitespace runs only. */
export function normalizeWhitespace(template: string): string {
  return template.trim().replace(/\s+/g, ' ');
}

/**
 * Parsing accuracy: the share of lines whose predicted template equals the true one, both
 * normalised with `normalize` ({@link normalizeTemplate} by default; pass
 * {@link normalizeWhitespace} for the strict comparison).
 *
 * @example
 *   parsingAccuracy(['a <*>', 'b'], ['a <*>', 'c']); // 0.5
 */
export function parsingAccuracy(
  truth: readonly string[],
  predicted: readonly string[],
  normalize: (template: string) => string = normalizeTemplate,
): number {
  if (truth.length !== predicted.length) {
    throw new RangeError(`truth has ${truth.length} templates, predicted ${predicted.length}`);
  }
  if (truth.length === 0) throw new RangeError('no lines to evaluate');
  const cache = new Map<string, string>();
  const norm = (t: string): string => {
    let n = cache.get(t);
    if (n === undefined) {
      n = normalize(t);
      cache.set(t, n);
    }
    return n;
  };
  let correct = 0;
  truth.forEach((t, i) => {
    if (norm(t) === norm(predicted[i] as string)) correct++;
  });
  return correct / truth.length;
}
