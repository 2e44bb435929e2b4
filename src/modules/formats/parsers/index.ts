import type { LogFormat, MessageParser } from '../log-format';
import { STRUCTURED_FORMATS } from './structured';
import { SYSLOG_FORMATS, SYSLOG_MESSAGE_PARSERS } from './syslog';
import { SECURITY_FORMATS } from './security';
import { WEB_FORMATS } from './web';
import { CLOUD_FORMATS } from './cloud';
import { CONTAINER_FORMATS } from './containers';
import { RUNTIME_FORMATS } from './runtimes';
import { DATABASE_FORMATS } from './databases';
import { MOBILE_FORMATS } from './mobile';

/** Every built-in format, in no particular order (the registry orders them by priority). */
export const BUILT_IN_FORMATS: readonly LogFormat[] = [
  ...STRUCTURED_FORMATS,
  ...SYSLOG_FORMATS,
  ...SECURITY_FORMATS,
  ...WEB_FORMATS,
  ...CLOUD_FORMATS,
  ...CONTAINER_FORMATS,
  ...RUNTIME_FORMATS,
  ...DATABASE_FORMATS,
  ...MOBILE_FORMATS,
];

export const MESSAGE_PARSERS: readonly MessageParser[] = SYSLOG_MESSAGE_PARSERS;
