import type { AlertNotice } from './channels/alert-channel';

/** Deliveries: one job per notification row (its id is the job id, so a row is sent once). */
export const ALERT_DELIVERY_QUEUE = 'alert-delivery';

/**
 * `notification.deliver`: sends notification `notificationId` through its channel. Retried with
 * exponential backoff on retryable failures; after the last attempt, or at once on a permanent
 * failure, the notification is marked `dead` (visible in GraphQL, retryable by hand).
 */
export interface AlertDeliveryJob {
  name: 'notification.deliver';
  data: { tenantId: string; notificationId: string };
}

/** Delivery attempts before a notification is dead. */
export const DELIVERY_ATTEMPTS = 5;

/** Escalation steps, delayed jobs (see alert-escalation.service.ts). */
export const ALERT_ESCALATION_QUEUE = 'alert-escalation';

/**
 * `escalation.step`: notifies level `level` of round `round` of policy `policyId` for a group,
 * unless the group was acknowledged or resolved, and schedules the next step after the level's
 * timeout. `notice` is the group's first notice (its id is set per channel).
 */
export interface AlertEscalationJob {
  name: 'escalation.step';
  data: {
    tenantId: string;
    policyId: string;
    groupKey: string;
    round: number;
    level: number;
    notice: Omit<AlertNotice, 'id'>;
  };
}
