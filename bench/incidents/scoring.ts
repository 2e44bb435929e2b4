/**
 * Scores detected anomalies against the labelled incidents of a workload: event-based recall
 * (an incident counts once, however many anomalies match it), precision over anomalies, false
 * positives per simulated day and time to detect, per incident kind and overall. Matching with a
 * tolerance window follows the event-wise evaluation of the Numenta Anomaly Benchmark (Lavin &
 * Ahmad, 2015) without its scoring curve: an anomaly matches an incident when the service is the
 * same and its interval overlaps the incident widened by `slackMs` on both sides.
 *
 * @example
 *   const score = scoreDetection(workload, anomalies, { slackMs: 300_000 });
 *   console.log(format(score));
 */
import {
  INCIDENT_KINDS,
  type IncidentKind,
  type LabelledIncident,
  type Workload,
} from './workload';

export interface DetectedAnomaly {
  id: string;
  kind: string;
  service: string;
  from: number;
  /** null = still open. */
  to: number | null;
  /** Event time at which it opened. */
  detectedAt: number;
  score: number;
}

export interface KindScore {
  incidents: number;
  detected: number;
  /** detected / incidents; 0 when there are no incidents of the kind. */
  recall: number;
  /** Over detected incidents, ms; null when none was detected. */
  meanTtdMs: number | null;
  medianTtdMs: number | null;
}

export interface IncidentOutcome {
  incident: LabelledIncident;
  /** The ids of the anomalies that match it. */
  matchedBy: string[];
  /** First matching detectedAt minus incident.from, floored at 0; null when missed. */
  ttdMs: number | null;
}

export interface DetectionScore {
  perKind: Record<IncidentKind, KindScore>;
  outcomes: IncidentOutcome[];
  incidents: number;
  detected: number;
  /** detected / incidents (0 without incidents). */
  recall: number;
  anomalies: number;
  matchedAnomalies: number;
  /**
   * Unmatched anomalies on another service while an incident runs (within the slack): the
   * incident's knock-on effects (a checkout outage silences its database calls). Counted neither
   * as matched nor as false.
   */
  relatedAnomalies: number;
  /** matchedAnomalies / (matchedAnomalies + falsePositives) (0 without either). */
  precision: number;
  falsePositives: number;
  falsePositivesPerDay: number;
  /** Unmatched anomalies per anomaly kind. */
  falsePositivesByKind: Record<string, number>;
  /** Over all detected incidents, ms; null when none was detected. */
  medianTtdMs: number | null;
}

export const DEFAULT_SLACK_MS = 5 * 60_000;

/** Matches anomalies to incidents and aggregates (see the file comment for the rules). */
export function scoreDetection(
  workload: Pick<Workload, 'incidents' | 'days'>,
  anomalies: readonly DetectedAnomaly[],
  opts: { slackMs?: number } = {},
): DetectionScore {
  const slack = opts.slackMs ?? DEFAULT_SLACK_MS;
  if (!(slack >= 0 && Number.isFinite(slack))) throw new RangeError(`slackMs must be >= 0`);
  if (!(workload.days > 0)) throw new RangeError(`days must be > 0, got ${workload.days}`);
  const matched = new Set<string>();
  const outcomes: IncidentOutcome[] = workload.incidents.map((incident) => {
    const lo = incident.from - slack;
    const hi = incident.to + slack;
    let first = Infinity;
    const matchedBy: string[] = [];
    for (const a of anomalies) {
      if (a.service !== incident.service) continue;
      if (!(a.from < hi && (a.to ?? Infinity) > lo)) continue;
      matchedBy.push(a.id);
      matched.add(a.id);
      first = Math.min(first, a.detectedAt);
    }
    const ttdMs = matchedBy.length ? Math.max(0, first - incident.from) : null;
    return { incident, matchedBy, ttdMs };
  });
  const perKind = Object.fromEntries(
    INCIDENT_KINDS.map((kind) => [
      kind,
      kindScore(outcomes.filter((o) => o.incident.kind === kind)),
    ]),
  ) as Record<IncidentKind, KindScore>;
  const overall = kindScore(outcomes);
  const falsePositivesByKind: Record<string, number> = {};
  let falsePositives = 0;
  let relatedAnomalies = 0;
  for (const a of anomalies) {
    if (matched.has(a.id)) continue;
    const during = workload.incidents.some(
      (i) => a.from >= i.from - slack && a.from < i.to + slack,
    );
    if (during) {
      relatedAnomalies++;
      continue;
    }
    falsePositives++;
    falsePositivesByKind[a.kind] = (falsePositivesByKind[a.kind] ?? 0) + 1;
  }
  const matchedAnomalies = anomalies.length - falsePositives - relatedAnomalies;
  const judged = matchedAnomalies + falsePositives;
  return {
    perKind,
    outcomes,
    incidents: overall.incidents,
    detected: overall.detected,
    recall: overall.recall,
    anomalies: anomalies.length,
    matchedAnomalies,
    relatedAnomalies,
    precision: judged ? matchedAnomalies / judged : 0,
    falsePositives,
    falsePositivesPerDay: falsePositives / workload.days,
    falsePositivesByKind,
    medianTtdMs: overall.medianTtdMs,
  };
}

function kindScore(outcomes: readonly IncidentOutcome[]): KindScore {
  const ttds = outcomes.flatMap((o) => (o.ttdMs === null ? [] : [o.ttdMs]));
  return {
    incidents: outcomes.length,
    detected: ttds.length,
    recall: outcomes.length ? ttds.length / outcomes.length : 0,
    meanTtdMs: ttds.length ? ttds.reduce((s, x) => s + x, 0) / ttds.length : null,
    medianTtdMs: median(ttds),
  };
}

/** The median (mean of the middle two for an even count); null for none. */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Seconds, rounded, e.g. `45s`; `-` for null. */
export function formatTtd(ms: number | null): string {
  return ms === null ? '-' : `${Math.round(ms / 1000)}s`;
}

/** A per-kind table, the false positives per detector, and the final summary line. */
export function format(score: DetectionScore): string {
  const row = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(20) : c.padStart(10))).join(' ');
  const lines = [row(['kind', 'incidents', 'detected', 'recall', 'mean-ttd', 'median-ttd'])];
  for (const kind of INCIDENT_KINDS) {
    const k = score.perKind[kind];
    lines.push(
      row([
        kind,
        String(k.incidents),
        String(k.detected),
        k.recall.toFixed(2),
        formatTtd(k.meanTtdMs),
        formatTtd(k.medianTtdMs),
      ]),
    );
  }
  const fpKinds = Object.entries(score.falsePositivesByKind).sort((a, b) => b[1] - a[1]);
  lines.push(
    `anomalies ${score.anomalies}, matched ${score.matchedAnomalies}, on another service during an incident ${score.relatedAnomalies} (not counted), false positives ${score.falsePositives}` +
      (fpKinds.length ? ` (${fpKinds.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''),
  );
  lines.push(
    `overall recall ${score.recall.toFixed(2)} precision ${score.precision.toFixed(2)}` +
      ` false-positives/day ${score.falsePositivesPerDay.toFixed(1)} median-ttd ${formatTtd(score.medianTtdMs)}`,
  );
  return lines.join('\n');
}
