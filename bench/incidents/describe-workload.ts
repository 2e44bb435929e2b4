/**
 * A short self-check of a generated workload for the eval's header: records per service per
 * day, the severity mix, traced share and incidents per kind. It replays the whole workload
 * once (a week takes a few seconds).
 *
 * @example
 *   console.log(describeWorkload(generateWorkload({ seed: 1, start, days: 7 })));
 */
import { INCIDENT_KINDS, type Severity, type Workload } from './workload';

const SEVERITIES: readonly Severity[] = ['debug', 'info', 'warn', 'error', 'fatal'];

export interface WorkloadSummary {
  records: number;
  perService: Record<string, number>;
  severities: Record<Severity, number>;
  traced: number;
  /** Records of an incident's service inside its [from, to). */
  inIncidents: number;
  perKind: Record<string, number>;
}

/** Counts the workload's records once. */
export function summarizeWorkload(w: Workload): WorkloadSummary {
  const perService: Record<string, number> = Object.fromEntries(w.services.map((s) => [s, 0]));
  const severities = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let records = 0;
  let traced = 0;
  let inIncidents = 0;
  for (const rec of w.records()) {
    records++;
    for (const inc of w.incidents) {
      if (rec.at >= inc.from && rec.at < inc.to && rec.service === inc.service) inIncidents++;
    }
    perService[rec.service] = (perService[rec.service] ?? 0) + 1;
    severities[rec.severity]++;
    if (rec.traceId !== null) traced++;
  }
  const perKind: Record<string, number> = Object.fromEntries(INCIDENT_KINDS.map((k) => [k, 0]));
  for (const inc of w.incidents) perKind[inc.kind] = (perKind[inc.kind] ?? 0) + 1;
  return { records, perService, severities, traced, inIncidents, perKind };
}

const pct = (n: number, total: number): string => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;

/** A few lines describing the workload (see {@link summarizeWorkload}). */
export function describeWorkload(w: Workload): string {
  const s = summarizeWorkload(w);
  const days = (w.end - w.start) / 86_400_000;
  const lines = [
    `workload ${new Date(w.start).toISOString()} .. ${new Date(w.end).toISOString()}` +
      ` (${days} days): ${s.records} records, ${Math.round(s.records / days)}/day`,
    'records/day per service: ' +
      w.services
        .map((name) => `${name} ${Math.round((s.perService[name] ?? 0) / days)}`)
        .join(', '),
    'severity: ' +
      SEVERITIES.map((sev) => `${sev} ${pct(s.severities[sev], s.records)}`).join(', ') +
      `; traced ${pct(s.traced, s.records)}; inside incidents ${pct(s.inIncidents, s.records)}`,
    `incidents: ${w.incidents.length} (` +
      INCIDENT_KINDS.map((k) => `${k} ${s.perKind[k] ?? 0}`).join(', ') +
      ')',
  ];
  return lines.join('\n');
}
