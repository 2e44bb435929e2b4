import type { LogFormat } from '../../log-format';

export const MOBILE_FORMATS: readonly LogFormat[] = [];
