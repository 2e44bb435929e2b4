/** Why an alert did not become a notification of its own. */
export type SuppressionReason =
  'silenced' | 'inhibited' | 'transient' | 'flapping' | 'deduplicated' | 'grouped';

export const SUPPRESSION_REASONS: readonly SuppressionReason[] = [
  'silenced',
  'inhibited',
  'transient',
  'flapping',
  'deduplicated',
  'grouped',
];

export interface NoiseSnapshot {
  sent: number;
  suppressed: Record<SuppressionReason, number>;
  suppressedTotal: number;
  /** suppressed / (sent + suppressed); 0 when nothing was counted. */
  noiseRatio: number;
  incidents: number;
  alertsInIncidents: number;
  /** Mean alerts per closed incident; 0 when none closed. */
  alertsPerIncident: number;
}

export interface NoiseStatsState {
  sent: number;
  suppressed: Record<SuppressionReason, number>;
  incidents: number;
  alertsInIncidents: number;
}

/**
 * Counters for how much noise the alerting engine cut, for metrics and the UI: notifications
 * sent, alert notifications suppressed by reason, and the noise ratio
 * suppressed / (sent + suppressed), the headline figure of PagerDuty's noise-reduction reports.
 * A grouped notification of n alerts counts 1 sent and n - 1 `grouped`.
 *
 * @example
 *   const stats = new NoiseStats();
 *   stats.recordNotification(3); // 1 sent, 2 grouped
 *   stats.recordSuppressed('silenced');
 *   stats.snapshot().noiseRatio; // 0.75
 */
export class NoiseStats {
  #sent = 0;
  #suppressed = emptyCounts();
  #incidents = 0;
  #alertsInIncidents = 0;

  /** One notification carrying `alertCount` alerts was sent. */
  recordNotification(alertCount: number): void {
    count('alertCount', alertCount);
    this.#sent++;
    if (alertCount > 1) this.#suppressed.grouped += alertCount - 1;
  }

  recordSuppressed(reason: SuppressionReason, n = 1): void {
    if (!SUPPRESSION_REASONS.includes(reason))
      throw new TypeError(`unknown reason '${String(reason)}'`);
    this.#suppressed[reason] += count('n', n);
  }

  /** An incident closed holding `alertCount` alerts. */
  recordIncident(alertCount: number): void {
    this.#incidents++;
    this.#alertsInIncidents += count('alertCount', alertCount);
  }

  snapshot(): NoiseSnapshot {
    const suppressedTotal = SUPPRESSION_REASONS.reduce((s, r) => s + this.#suppressed[r], 0);
    const all = this.#sent + suppressedTotal;
    return {
      sent: this.#sent,
      suppressed: { ...this.#suppressed },
      suppressedTotal,
      noiseRatio: all === 0 ? 0 : suppressedTotal / all,
      incidents: this.#incidents,
      alertsInIncidents: this.#alertsInIncidents,
      alertsPerIncident: this.#incidents === 0 ? 0 : this.#alertsInIncidents / this.#incidents,
    };
  }

  reset(): void {
    this.#sent = 0;
    this.#suppressed = emptyCounts();
    this.#incidents = 0;
    this.#alertsInIncidents = 0;
  }

  toState(): NoiseStatsState {
    return {
      sent: this.#sent,
      suppressed: { ...this.#suppressed },
      incidents: this.#incidents,
      alertsInIncidents: this.#alertsInIncidents,
    };
  }

  static fromState(state: NoiseStatsState): NoiseStats {
    const stats = new NoiseStats();
    stats.#sent = count('sent', state.sent);
    for (const r of SUPPRESSION_REASONS) stats.#suppressed[r] = count(r, state.suppressed[r] ?? 0);
    stats.#incidents = count('incidents', state.incidents);
    stats.#alertsInIncidents = count('alertsInIncidents', state.alertsInIncidents);
    return stats;
  }
}

function emptyCounts(): Record<SuppressionReason, number> {
  return { silenced: 0, inhibited: 0, transient: 0, flapping: 0, deduplicated: 0, grouped: 0 };
}

function count(name: string, n: number): number {
  if (!(Number.isInteger(n) && n >= 0))
    throw new RangeError(`${name} must be a count >= 0, got ${n}`);
  return n;
}
