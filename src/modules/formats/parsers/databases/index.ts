import type { LogFormat } from '../../log-format';

export const DATABASE_FORMATS: readonly LogFormat[] = [];
