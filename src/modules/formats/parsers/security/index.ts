import type { LogFormat } from '../../log-format';

export const SECURITY_FORMATS: readonly LogFormat[] = [];
