/** Retraining of tenants' classifiers (see training.service.ts). */
export const TRAINING_QUEUE = 'training';

/** Why a model was trained. */
export type TrainingReason = 'feedback' | 'schedule' | 'drift' | 'manual';

/**
 * `model.train`: trains a new version of the tenant's classifier on its labels (and weak labels
 * of its patterns), evaluates it against the active one on held-out labels and registers it.
 * One waits per tenant at a time (the job id is the tenant's): more triggers while it waits add
 * nothing, and the labels given meanwhile are in the run anyway.
 */
export interface TrainingJob {
  name: 'model.train';
  data: { tenantId: string; reason: TrainingReason };
}
