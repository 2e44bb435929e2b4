import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { monthNumber, utcMillis } from '../support/time';
import { firstLine, javaError, putError, withContinuation } from '../runtimes/record-text';

const LEVELS = 'SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST';
// Tomcat's OneLineFormatter (catalina.out since 8.0): `dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] class.method msg`.
const ONE_LINE = new RegExp(
  `^(\\d\\d)-([A-Z][a-z]{2})-(\\d{4}) (\\d\\d):(\\d\\d):(\\d\\d)(?:\\.(\\d{1,3}))? (${LEVELS}) \\[([^\\]]{0,256})\\] ([\\w$.<>]{1,512}) ?(.*)$`,
);
// java.util.logging's SimpleFormatter (Tomcat 7 and older): the time and source, then `LEVEL: msg`.
const TWO_LINE =
  /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d\d):(\d\d) ([AP]M) ([\w$.<>]{1,512}) ([\w$<>]{1,256})$/;
const SECOND = new RegExp(`^(${LEVELS}): (.*)$`);

export const tomcatFormat: LineFormat = {
  name: 'tomcat',
  family: 'databases',
  kind: 'line',
  startLine: true,
  description:
    'Apache Tomcat catalina log: OneLineFormatter `dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] class.method msg` and the two-line JUL SimpleFormatter',
  samples: [
    {
      line: '26-Nov-2026 10:11:12.123 SEVERE [main] org.apache.catalina.startup.HostConfig.deployWAR Error deploying web application archive [/usr/local/tomcat/webapps/shop.war]\n\tjava.lang.IllegalStateException: Error starting child\n\t\tat org.apache.catalina.core.ContainerBase.addChildInternal(ContainerBase.java:686)',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'SEVERE',
        message:
          'Error deploying web application archive [/usr/local/tomcat/webapps/shop.war]\n\tjava.lang.IllegalStateException: Error starting child\n\t\tat org.apache.catalina.core.ContainerBase.addChildInternal(ContainerBase.java:686)',
        attributes: {
          'process.thread.name': 'main',
          'log.logger': 'org.apache.catalina.startup.HostConfig',
          'log.origin.function': 'deployWAR',
          'error.type': 'java.lang.IllegalStateException',
        },
      },
    },
    {
      line: '26-Nov-2026 10:11:12.456 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [4521] milliseconds',
      expect: {
        level: 'INFO',
        message: 'Server startup in [4521] milliseconds',
        attributes: {
          'log.logger': 'org.apache.catalina.startup.Catalina',
          'log.origin.function': 'start',
        },
      },
    },
    {
      line: '26-Nov-2026 10:11:13.001 WARNING [http-nio-8080-exec-4] org.apache.catalina.loader.WebappClassLoaderBase.clearReferencesThreads The web application [shop] appears to have started a thread named [pool-1-thread-1] but has failed to stop it.',
      expect: {
        level: 'WARNING',
        attributes: { 'process.thread.name': 'http-nio-8080-exec-4' },
      },
    },
    {
      line: 'Nov 26, 2026 10:11:14 AM org.apache.coyote.AbstractProtocol start\nINFO: Starting ProtocolHandler ["http-bio-8080"]',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        level: 'INFO',
        message: 'Starting ProtocolHandler ["http-bio-8080"]',
        attributes: {
          'log.logger': 'org.apache.coyote.AbstractProtocol',
          'log.origin.function': 'start',
        },
      },
    },
  ],

  detect(line: string): boolean {
    const head = firstLine(line).head;
    if (head.charCodeAt(2) === 45) return ONE_LINE.test(head);
    return head.charCodeAt(3) === 32 && TWO_LINE.test(head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = ONE_LINE.exec(head);
    if (m !== null) return oneLine(m, line, rest);
    const two = TWO_LINE.exec(head);
    return two === null ? null : twoLine(two, line, rest);
  },
};

function oneLine(m: RegExpExecArray, line: string, rest: number): ParsedFields {
  const attributes: ParsedAttributes = { 'process.thread.name': m[9] as string };
  putSource(attributes, m[10] as string);
  putError(attributes, javaError(line, rest + 1));
  const fields: ParsedFields = {
    level: levelOf(m[8] as string),
    message: withContinuation(m[11] as string, line, rest),
    attributes,
  };
  const ts = utcMillis(
    Number(m[3]),
    monthNumber(m[2] as string),
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0')),
  );
  if (ts !== null) fields.timestamp = ts;
  return fields;
}

function twoLine(m: RegExpExecArray, line: string, rest: number): ParsedFields {
  const attributes: ParsedAttributes = {
    'log.logger': m[8] as string,
    'log.origin.function': m[9] as string,
  };
  const fields: ParsedFields = { attributes };
  const body = rest < line.length ? line.slice(rest + 1) : '';
  const nl = body.indexOf('\n');
  const second = SECOND.exec(nl === -1 ? body : body.slice(0, nl));
  if (second !== null) {
    fields.level = levelOf(second[1] as string);
    fields.message = withContinuation(second[2] as string, body, nl === -1 ? body.length : nl);
  } else if (body !== '') {
    fields.message = body;
  }
  putError(attributes, javaError(body, 0));
  let hour = Number(m[4]) % 12;
  if (m[7] === 'PM') hour += 12;
  const ts = utcMillis(
    Number(m[3]),
    monthNumber(m[1] as string),
    Number(m[2]),
    hour,
    Number(m[5]),
    Number(m[6]),
  );
  if (ts !== null) fields.timestamp = ts;
  return fields;
}

/** `org.apache.catalina.startup.HostConfig.deployWAR`: the class is the logger, then the method. */
function putSource(attributes: ParsedAttributes, source: string): void {
  const dot = source.lastIndexOf('.');
  if (dot <= 0) {
    attributes['log.logger'] = source;
    return;
  }
  attributes['log.logger'] = source.slice(0, dot);
  attributes['log.origin.function'] = source.slice(dot + 1);
}

// JUL's CONFIG sits between INFO and FINE (debug); the other names normalize as they are.
function levelOf(level: string): string {
  return level === 'CONFIG' ? 'debug' : level;
}
