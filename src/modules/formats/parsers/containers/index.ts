import type { LogFormat } from '../../log-format';

export const CONTAINER_FORMATS: readonly LogFormat[] = [];
