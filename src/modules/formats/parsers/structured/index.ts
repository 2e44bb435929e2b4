import type { LogFormat } from '../../log-format';

export const STRUCTURED_FORMATS: readonly LogFormat[] = [];
