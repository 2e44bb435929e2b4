import type { LogFormat } from '../../log-format';
import { bunyanFormat } from './bunyan.format';
import { dotnetConsoleFormat } from './dotnet-console.format';
import { flaskFormat } from './flask.format';
import { goLogFormat } from './go-log.format';
import { hadoopFormat } from './hadoop.format';
import { log4jFormat } from './log4j.format';
import { logbackFormat } from './logback.format';
import { logrusJsonFormat } from './logrus-json.format';
import { pinoFormat } from './pino.format';
import { pythonLoggingFormat } from './python-logging.format';
import { rubyLoggerFormat } from './ruby-logger.format';
import { serilogClefFormat } from './serilog-clef.format';
import { winstonJsonFormat } from './winston-json.format';
import { zapConsoleFormat } from './zap-console.format';
import { zapJsonFormat } from './zap-json.format';

export const RUNTIME_FORMATS: readonly LogFormat[] = [
  log4jFormat,
  logbackFormat,
  hadoopFormat,
  pythonLoggingFormat,
  flaskFormat,
  goLogFormat,
  zapJsonFormat,
  zapConsoleFormat,
  logrusJsonFormat,
  pinoFormat,
  bunyanFormat,
  winstonJsonFormat,
  serilogClefFormat,
  rubyLoggerFormat,
  dotnetConsoleFormat,
];
