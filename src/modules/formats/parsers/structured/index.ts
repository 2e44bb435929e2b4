import type { LogFormat } from '../../log-format';
import { cefFormat } from './cef.format';
import { ecsJsonFormat } from './ecs-json.format';
import { gelfFormat } from './gelf.format';
import { jsonFormat } from './json.format';
import { kvFormat } from './kv.format';
import { leefFormat } from './leef.format';
import { logfmtFormat } from './logfmt.format';
import { logrusTextFormat } from './logrus-text.format';
import { phpErrorFormat } from './php-error.format';

export const STRUCTURED_FORMATS: readonly LogFormat[] = [
  jsonFormat,
  gelfFormat,
  ecsJsonFormat,
  cefFormat,
  leefFormat,
  logfmtFormat,
  logrusTextFormat,
  kvFormat,
  phpErrorFormat,
];
