/** A runbook run step as the e2e specs read it from GraphQL. */
export interface StepView {
  stepId: string;
  kind: string;
  status: string;
  attempts: number;
  action: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  error: string | null;
  decidedBy: string | null;
}

/** A runbook run as the e2e specs read it. */
export interface RunView {
  id: string;
  runbookId: string;
  status: string;
  reason: string | null;
  verified: boolean;
  trigger: Record<string, unknown>;
  alertFingerprint: string | null;
  params: Record<string, unknown>;
  finishedAt: string | null;
  steps: StepView[];
}

/** The GraphQL selection of a {@link RunView}. */
export const RUN_FIELDS = `id runbookId status reason verified trigger alertFingerprint params finishedAt
  steps { stepId kind status attempts action output error decidedBy }`;
