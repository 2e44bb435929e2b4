export type RunbookErrorCode =
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_MISSING_PATH'
  | 'TEMPLATE_FORBIDDEN_PATH'
  | 'TEMPLATE_NOT_SCALAR'
  | 'TEMPLATE_UNSAFE_VALUE'
  | 'CONDITION_SYNTAX'
  | 'CONDITION_MISSING_PATH'
  | 'CONDITION_TYPE';

/**
 * An error of the runbook language (templates and conditions). `path` names the dotted path at
 * fault when there is one, so a caller can say which reference failed without parsing the message.
 */
export class RunbookLanguageError extends Error {
  constructor(
    readonly code: RunbookErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'RunbookLanguageError';
  }
}
