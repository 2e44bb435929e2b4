import type { AnomalyKind } from '../../ml/anomaly/detector';

/**
 * The queue anomalies are pushed to for alerting (issue 7) to consume. Detection only produces;
 * the alerting module calls `QueueService.consume(ANOMALY_QUEUE, …)`.
 */
export const ANOMALY_QUEUE = 'anomalies';

/**
 * `anomaly.changed`: an anomaly opened, was updated (a higher score, another detector or subject
 * joined) or resolved. One job per change, in order per anomaly; the job id
 * `<anomalyId>-<type>-<candidates>` makes a change enqueued twice one job.
 */
export interface AnomalyChangedJob {
  name: 'anomaly.changed';
  data: {
    tenantId: string;
    anomalyId: string;
    type: 'opened' | 'updated' | 'resolved';
    service: string;
    kind: AnomalyKind;
    kinds: AnomalyKind[];
    /** In [0, 1]. */
    score: number;
    status: 'open' | 'resolved';
    /** ISO times (event time). */
    startedAt: string;
    endedAt: string | null;
    detectedAt: string;
    explanation: string;
    /** Pattern ids of the evidence, most telling first. */
    patternIds: string[];
  };
}

export type AnomalyJob = AnomalyChangedJob;
