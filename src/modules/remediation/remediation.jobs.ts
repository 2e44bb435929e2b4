/** Runbook runs and their triggers (see runs/run-executor.service.ts and runs/run-triggers.service.ts). */
export const REMEDIATION_QUEUE = 'remediation';

/**
 * - `run.advance`: takes a run as far as it can go now (to its end, or to a step that waits); a
 *   delayed one wakes a waiting step. Any number of them for one run is harmless: one advancer
 *   holds the run at a time and the state in Postgres says what is left.
 * - `runs.sweep`: every 30 s, wakes runs whose wake-up job was lost and runs interrupted by a crash.
 * - `trigger.alerts`: alerts of a tenant changed; starts the runbooks they trigger (loop checked).
 * - `trigger.anomaly`: an anomaly opened; starts the runbooks of its kind and service.
 * - `trigger.schedule`: every minute, starts the scheduled runbooks that are due.
 */
export type RemediationJob =
  | { name: 'run.advance'; data: { tenantId: string; runId: string } }
  | { name: 'runs.sweep'; data: Record<string, never> }
  | { name: 'trigger.alerts'; data: { tenantId: string; fingerprints: string[] } }
  | {
      name: 'trigger.anomaly';
      data: {
        tenantId: string;
        anomalyId: string;
        service: string;
        kind: string;
        kinds: string[];
        /** The anomaly's evidence patterns, most telling first (absent in older jobs). */
        patternIds?: string[];
      };
    }
  | { name: 'trigger.schedule'; data: Record<string, never> };
