import type { LogFormat } from '../../log-format';

export const WEB_FORMATS: readonly LogFormat[] = [];
