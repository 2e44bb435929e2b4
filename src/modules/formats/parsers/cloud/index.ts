import type { LogFormat } from '../../log-format';

export const CLOUD_FORMATS: readonly LogFormat[] = [];
