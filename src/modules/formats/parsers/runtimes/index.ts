import type { LogFormat } from '../../log-format';

export const RUNTIME_FORMATS: readonly LogFormat[] = [];
