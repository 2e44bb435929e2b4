/**
 * How detector candidates and anomalies map onto the keys of DetectionFeedback
 * (detection-feedback.ts): a detector kind on a service, narrowed to a pattern (for the kinds
 * that are about one) and a family of similar patterns. Both sides go through these functions,
 * so a verdict given on an anomaly reaches the candidates that made it.
 */
import type { DetectionFeedbackRecord, FeedbackKey, FeedbackVerdict } from './detection-feedback';
import { type Candidate, DETECTOR_KINDS, type DetectorKind } from './detector';

/** Patterns of one kind an anomaly's verdict is recorded for (an anomaly names at most 20). */
export const MAX_PATTERNS_PER_KIND = 5;
/** Words of a template that name its family. */
const FAMILY_WORDS = 2;

/**
 * The family of a pattern: the first FAMILY_WORDS words of its template, lower-cased, ignoring
 * parameters and punctuation (`Timeout connecting to <*>` → `timeout connecting`); undefined
 * when the template has no word. Coarse on purpose: a confirmed incident makes its siblings a
 * little more visible, nothing more.
 *
 * @example
 *   templateFamily('enqueue msg=<*> topic=<*>'); // 'enqueue msg'
 */
export function templateFamily(template: string | undefined): string | undefined {
  if (template === undefined) return undefined;
  const words = template
    .replaceAll('<*>', ' ')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, FAMILY_WORDS);
  return words.length > 0 ? words.join(' ') : undefined;
}

/** Kinds whose candidates are about one pattern (their subject names it). */
const PATTERN_KINDS: ReadonlySet<DetectorKind> = new Set<DetectorKind>([
  'new_pattern',
  'pattern_rate',
  'parameter_outlier',
]);

/**
 * What a candidate is looked up by: its pattern for the kinds that are about one pattern (new
 * patterns, pattern rates, parameter outliers), with the pattern's family; just the detector on
 * the service for the others.
 *
 * @example
 *   feedback.adjustment(feedbackKeyOf(candidate), candidate.to);
 */
export function feedbackKeyOf(
  c: Pick<Candidate, 'kind' | 'service' | 'subject' | 'evidence'>,
): FeedbackKey {
  if (!PATTERN_KINDS.has(c.kind)) return { kind: c.kind, service: c.service };
  const patternId = subjectPattern(c.kind, c.subject);
  const family = familyIn(c.evidence, patternId);
  return family === undefined
    ? { kind: c.kind, service: c.service, patternId }
    : { kind: c.kind, service: c.service, patternId, family };
}

/** What {@link feedbackForAnomaly} reads of an anomaly (an EnsembleAnomaly or a stored row). */
export interface JudgedAnomaly {
  service: string;
  /** Contributing detector kinds; unknown ones are ignored. */
  kinds: readonly string[];
  subjects: readonly string[];
  evidence: { patternIds: readonly string[]; templates?: readonly string[] };
}

/**
 * The records a verdict on a whole anomaly stands for, keyed as {@link feedbackKeyOf} keys its
 * candidates: one per contributing kind, per pattern for the pattern kinds (at most
 * MAX_PATTERNS_PER_KIND). An anomaly does not say which kind raised which subject, so with
 * several kinds a pattern kind is given the subjects that are among the anomaly's pattern ids;
 * when none is, a true positive credits the detector on the service and anything else records
 * nothing for that kind (a false alarm is never blamed on patterns it cannot be traced to).
 *
 * @example
 *   for (const f of feedbackForAnomaly(anomaly, 'false_positive', Date.now())) detection.applyFeedback(f);
 */
export function feedbackForAnomaly(
  a: JudgedAnomaly,
  verdict: FeedbackVerdict,
  at: number,
): DetectionFeedbackRecord[] {
  const out: DetectionFeedbackRecord[] = [];
  const single = a.kinds.length === 1;
  for (const name of a.kinds) {
    if (!DETECTOR_KINDS.includes(name as DetectorKind)) continue;
    const kind = name as DetectorKind;
    if (!PATTERN_KINDS.has(kind)) {
      out.push({ kind, service: a.service, verdict, at });
      continue;
    }
    const patterns = new Set<string>();
    for (const subject of a.subjects) {
      if (patterns.size >= MAX_PATTERNS_PER_KIND) break;
      const p = subjectPattern(kind, subject);
      if (p !== '' && (single || a.evidence.patternIds.includes(p))) patterns.add(p);
    }
    if (patterns.size === 0 && verdict === 'true_positive') {
      out.push({ kind, service: a.service, verdict, at });
    }
    for (const patternId of patterns) {
      const family = familyIn(a.evidence, patternId);
      out.push({
        kind,
        service: a.service,
        patternId,
        ...(family === undefined ? {} : { family }),
        verdict,
        at,
      });
    }
  }
  return out;
}

/** A pattern kind's subject is its pattern id (`<id>#<parameter>` for parameter outliers). */
function subjectPattern(kind: DetectorKind, subject: string): string {
  return kind === 'parameter_outlier' ? subject.replace(/#\d+$/, '') : subject;
}

function familyIn(
  evidence: { patternIds: readonly string[]; templates?: readonly string[] },
  patternId: string,
): string | undefined {
  const i = evidence.patternIds.indexOf(patternId);
  return i < 0 ? undefined : templateFamily(evidence.templates?.[i]);
}
