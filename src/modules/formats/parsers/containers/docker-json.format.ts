import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { putFlat } from '../web/json-fields';

/**
 * Docker's json-file logging driver: `{"log":"line\n","stream":"stdout","time":"..."}`. The
 * driver splits lines longer than 16 KiB; every piece but the last lacks the trailing newline,
 * so such a record is `partial` and the stream joins it with what follows.
 */
export const DOCKER_JSON_FORMAT: JsonFormat = {
  name: 'docker-json',
  family: 'containers',
  kind: 'json',
  description: 'Docker json-file log driver ({"log", "stream", "time"})',
  priority: 20,
  wraps: true,
  detect: (doc) =>
    typeof doc.log === 'string' &&
    typeof doc.time === 'string' &&
    (doc.stream === 'stdout' || doc.stream === 'stderr'),
  parse(doc) {
    const log = doc.log;
    if (typeof log !== 'string') return null;
    const attrs: ParsedAttributes = {};
    if (typeof doc.stream === 'string') attrs['log.iostream'] = doc.stream;
    // `--log-opt labels=... / env=...` adds them under `attrs`.
    putFlat(attrs, 'docker.attrs', doc.attrs);
    const complete = log.endsWith('\n');
    let message = complete ? log.slice(0, -1) : log;
    if (complete && message.endsWith('\r')) message = message.slice(0, -1);
    const timestamp = parseTimestamp(doc.time);
    return {
      ...(timestamp === null ? {} : { timestamp }),
      message,
      attributes: attrs,
      ...(complete ? {} : { partial: true }),
    };
  },
  samples: [
    {
      line: '{"log":"2026-11-26 10:11:12.123 INFO  [main] c.e.shop.Application - Started Application in 4.2 seconds\\n","stream":"stdout","time":"2026-11-26T10:11:12.123456789Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        message:
          '2026-11-26 10:11:12.123 INFO  [main] c.e.shop.Application - Started Application in 4.2 seconds',
        attributes: { 'log.iostream': 'stdout' },
      },
    },
    {
      line: '{"log":"panic: runtime error: invalid memory address or nil pointer dereference\\r\\n","stream":"stderr","time":"2026-11-26T10:11:13.5Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.500Z'),
        message: 'panic: runtime error: invalid memory address or nil pointer dereference',
        attributes: { 'log.iostream': 'stderr' },
      },
    },
    {
      line: '{"log":"{\\"level\\":\\"info\\",\\"msg\\":\\"exporting batch\\",\\"items\\":[1,2,3,4,5,6,7,8,9,10","stream":"stdout","time":"2026-11-26T10:11:14.000000001Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        message: '{"level":"info","msg":"exporting batch","items":[1,2,3,4,5,6,7,8,9,10',
        partial: true,
      },
    },
    {
      line: '{"log":"GET /healthz 200\\n","stream":"stdout","attrs":{"com.docker.compose.service":"api","tag":"api-1"},"time":"2026-11-26T10:11:15Z"}',
      expect: {
        message: 'GET /healthz 200',
        attributes: {
          'docker.attrs.com.docker.compose.service': 'api',
          'docker.attrs.tag': 'api-1',
        },
      },
    },
  ],
};
