import type { JsonFormat, LineFormat, LogFormat } from '../../log-format';
import { parseClfTime } from '../support/time';
import { isIp, putAddress, scanFields, unescapeQuoted } from './access-fields';
import { APACHE_ERROR_22_FORMAT } from './apache-error-22.format';
import { APACHE_ERROR_24_FORMAT } from './apache-error-24.format';
import { CADDY_JSON_FORMAT } from './caddy-json.format';
import { COMBINED_FORMAT } from './combined.format';
import { ENVOY_ACCESS_FORMAT } from './envoy-access.format';
import { HAPROXY_HTTP_FORMAT } from './haproxy-http.format';
import { HAPROXY_TCP_FORMAT } from './haproxy-tcp.format';
import { WEB_FORMATS } from './index';
import { NCSA_COMMON_FORMAT } from './ncsa-common.format';
import { NGINX_ERROR_FORMAT } from './nginx-error.format';
import { SQUID_FORMAT } from './squid.format';
import { TRAEFIK_JSON_FORMAT } from './traefik-json.format';
import { TRAEFIK_FORMAT } from './traefik.format';
import { W3C_EXTENDED_FORMAT } from './w3c-extended.format';
import { civilMillis, parseClfTimeFast } from './web-time';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

/** The formats of this family that claim `line`, best first (what the registry would try). */
function claimants(formats: readonly LogFormat[], line: string): string[] {
  return formats
    .filter((f) =>
      f.kind === 'line'
        ? f.detect(line)
        : line.startsWith('{') && f.detect(JSON.parse(line) as Record<string, unknown>),
    )
    .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))
    .map((f) => f.name);
}

function parseLine(format: LineFormat, line: string) {
  return format.parse(line, ctx);
}

function parseJson(format: JsonFormat, text: string) {
  return format.parse(JSON.parse(text) as Record<string, unknown>, ctx);
}

describe('web formats', () => {
  describe('detection across the family', () => {
    it.each(WEB_FORMATS.flatMap((f) => f.samples.map((s) => [f.name, s.line] as const)))(
      '%s wins its own sample: %s',
      (name, line) => {
        expect(claimants(WEB_FORMATS, line)[0]).toBe(name);
      },
    );

    it('tells common, combined, nginx-with-extras and traefik apart', () => {
      const clf = '10.0.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 5';
      expect(claimants(WEB_FORMATS, clf)).toEqual(['ncsa-common']);
      expect(claimants(WEB_FORMATS, `${clf} "-" "curl/8"`)).toEqual(['combined']);
      expect(claimants(WEB_FORMATS, `${clf} "-" "curl/8" "1.2.3.4" "0.012"`)).toEqual(['combined']);
      expect(
        claimants(WEB_FORMATS, `${clf} "-" "curl/8" 7 "web@docker" "http://10.0.0.2:80" 3ms`),
      ).toEqual(['traefik']);
      // An unquoted nginx $request_time after the user agent is neither.
      expect(claimants(WEB_FORMATS, `${clf} "-" "curl/8" 0.012`)).toEqual([]);
    });

    it('does not claim other families lines', () => {
      for (const line of [
        '<34>1 2026-11-26T10:11:12.003Z mymachine su 123 ID47 - failed for lonvick',
        'Nov 26 10:11:12 host sshd[42]: Accepted publickey for root from 10.0.0.1 port 22 ssh2',
        '2026-11-26 10:11:12,123 ERROR [main] com.example.App - boom',
        'level=info msg="started" port=8080',
        '2026-11-26T10:11:12.123456789Z stdout F hello',
      ]) {
        expect(claimants(WEB_FORMATS, line)).toEqual([]);
      }
    });
  });

  describe('quoted fields', () => {
    it('undoes Apache backslash escapes and nginx \\x escapes, keeping control bytes escaped', () => {
      expect(unescapeQuoted('say \\"hi\\" \\\\ there')).toBe('say "hi" \\ there');
      expect(unescapeQuoted('caf\\xC3\\xA9 \\x22q\\x22')).toBe('café "q"');
      expect(unescapeQuoted('\\x16\\x03\\x01')).toBe('\\x16\\x03\\x01');
      expect(unescapeQuoted('bad \\xff\\xfe utf8')).toBe('bad \\xff\\xfe utf8');
      expect(unescapeQuoted('tab\\there')).toBe('tab\there');
    });

    it('keeps a stray quote inside a quoted field and splits IPv6 with brackets as one field', () => {
      expect(scanFields('a "b "c"d" [x y] [::1]:80 e')).toEqual([
        'a',
        'b "c"d',
        'x y',
        '[::1]:80',
        'e',
      ]);
      expect(scanFields('a "never closed')).toBeNull();
      expect(scanFields('a [never closed')).toBeNull();
    });

    it('reads an nginx user agent with an escaped quote and an escaped UTF-8 path', () => {
      const parsed = parseLine(
        COMBINED_FORMAT,
        '192.0.2.1 - - [26/Nov/2026:10:11:12 +0000] "GET /caf\\xC3\\xA9?x=1 HTTP/1.1" 200 12 "-" "Mozilla \\x22quoted\\x22 agent"',
      );
      expect(parsed?.attributes).toMatchObject({
        'url.path': '/café',
        'url.query': 'x=1',
        'user_agent.original': 'Mozilla "quoted" agent',
      });
    });
  });

  describe('absent fields', () => {
    it('leaves out `-` for user, bytes, referer and user agent', () => {
      const parsed = parseLine(
        COMBINED_FORMAT,
        '10.0.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 304 - "-" "-"',
      );
      expect(parsed?.attributes).toEqual({
        'source.ip': '10.0.0.1',
        'http.request.method': 'GET',
        'url.original': '/',
        'url.path': '/',
        'http.version': '1.1',
        'http.response.status_code': 304,
      });
    });

    it('leaves HAProxy -1 timers out and counts the total only when the request completed', () => {
      const parsed = parseLine(
        HAPROXY_HTTP_FORMAT,
        '10.0.0.7:50514 [26/Nov/2026:10:11:14.001] fe be/<NOSRV> -1/-1/-1/-1/+3 400 187 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"',
      );
      expect(parsed?.attributes).toMatchObject({ 'event.duration': 3_000_000 });
      expect(parsed?.attributes).not.toHaveProperty('haproxy.http.request.time_wait_ms');
      expect(parsed?.attributes?.['http.request.line']).toBe('<BADREQ>');
    });

    it('reads an IIS line with neither query, user nor referer', () => {
      const parsed = parseLine(
        W3C_EXTENDED_FORMAT,
        '2026-11-26 10:11:12 ::1 GET /health - 80 - ::1 - - 200 0 0 1',
      );
      expect(parsed?.attributes).toMatchObject({ 'source.ip': '::1', 'url.original': '/health' });
      expect(parsed?.attributes).not.toHaveProperty('url.query');
      expect(parsed?.attributes).not.toHaveProperty('user_agent.original');
    });
  });

  describe('rejections', () => {
    const foreign: readonly (readonly [LineFormat, string])[] = [
      [NCSA_COMMON_FORMAT, '10.0.0.1 - - [26/Nov/2026:10:11:12] "GET / HTTP/1.1" 200 5'],
      [NCSA_COMMON_FORMAT, '10.0.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1 200 5'],
      [COMBINED_FORMAT, '10.0.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 5'],
      [
        TRAEFIK_FORMAT,
        '10.0.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 5 "-" "-" 1 "r" "u" 3s',
      ],
      [
        HAPROXY_HTTP_FORMAT,
        '10.0.0.1:1 [26/Nov/2026:10:11:12.000] fe be 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
      ],
      [
        HAPROXY_TCP_FORMAT,
        '<134>garbage header 10.0.1.2:33317 [26/Nov/2026:10:11:12.002] a b/c 0/0/5 1 -- 1/1/1/1/0 0/0',
      ],
      [ENVOY_ACCESS_FORMAT, '[2026-11-26 10:11:12.123] "GET / HTTP/1.1" 200 - 0 1 2'],
      [
        SQUID_FORMAT,
        '1795687872.123    150 1.2.3.4 TCP_MISS 1234 GET http://x/ - HIER_DIRECT/5.6.7.8 text/html',
      ],
      [NGINX_ERROR_FORMAT, '2026/11/26 10:11:12 [error] crashed'],
      [APACHE_ERROR_22_FORMAT, 'Sun Dec 04 04:47:44 2005 [error] no brackets'],
      [APACHE_ERROR_24_FORMAT, '[Thu Nov 26 10:11:12 2026] [error] [client 1.2.3.4] 2.2 layout'],
      [W3C_EXTENDED_FORMAT, '2026-11-26 10:11:12 INFO starting application on port 8080'],
    ];

    it.each(foreign.map(([format, line]) => [format.name, format, line] as const))(
      '%s rejects a line that is not its own (%#)',
      (_name, format, line) => {
        expect(format.detect(line)).toBe(false);
        // Whatever detect says, parse never throws on it.
        expect(() => format.parse(line, ctx)).not.toThrow();
      },
    );

    it('parse returns null rather than a half record for broken lines', () => {
      expect(
        parseLine(NCSA_COMMON_FORMAT, '10.0.0.1 - - [not a date] "GET / HTTP/1.1" 200 5'),
      ).toBeNull();
      expect(
        parseLine(
          TRAEFIK_FORMAT,
          '10.0.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 5',
        ),
      ).toBeNull();
      expect(parseLine(SQUID_FORMAT, 'not squid at all')).toBeNull();
      // detect only looks at the head; parse refuses impossible dates and short lines.
      expect(
        parseLine(
          COMBINED_FORMAT,
          '10.0.0.1 - - [31/Feb/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 5 "-" "-"',
        ),
      ).toBeNull();
      expect(
        parseLine(ENVOY_ACCESS_FORMAT, '[2026-11-26T10:11:12.123Z] "GET / HTTP/1.1" 200 - 0 1 2'),
      ).toBeNull();
      expect(parseLine(APACHE_ERROR_24_FORMAT, '[Thu Nov 26 10:11:12.1 2026] no level')).toBeNull();
    });

    it('JSON formats refuse documents of other shapes', () => {
      const docs = [
        { level: 'info', ts: 1, logger: 'http.handlers.reverse_proxy', msg: 'upstream roundtrip' },
        { RequestMethod: 'GET', DownstreamStatus: '200' },
        { log: 'x\n', stream: 'stdout', time: '2026-11-26T10:11:12Z' },
      ];
      for (const doc of docs) {
        expect(CADDY_JSON_FORMAT.detect(doc)).toBe(false);
        expect(TRAEFIK_JSON_FORMAT.detect(doc)).toBe(false);
      }
      expect(
        parseJson(CADDY_JSON_FORMAT, '{"logger":"http.log.access","request":"oops"}'),
      ).toBeNull();
    });
  });

  describe('multi-line records', () => {
    it('keeps the continuation of an nginx error in the message and reads the context of the first line', () => {
      const parsed = parseLine(
        NGINX_ERROR_FORMAT,
        '2026/11/26 10:11:12 [alert] 7#7: *9 lua entry thread aborted: runtime error: bad argument, client: 2001:db8::1, server: _, request: "GET /lua HTTP/1.1", host: "x"\nstack traceback:\n\t[C]: in function \'error\'',
      );
      expect(parsed?.message).toContain('\nstack traceback:');
      expect(parsed?.attributes).toMatchObject({ 'source.ip': '2001:db8::1', 'url.domain': 'x' });
    });
  });

  it('reads Apache 2.4 client addresses with and without brackets', () => {
    const base = '[Thu Nov 26 10:11:12.000001 2026] [ssl:info] [pid 1:tid 2] [client ';
    const unbracketed = parseLine(
      APACHE_ERROR_24_FORMAT,
      `${base}2001:db8::5:443] AH01964: Connection to child 1 established`,
    );
    const bracketed = parseLine(
      APACHE_ERROR_24_FORMAT,
      `${base}[2001:db8::5]:443] AH01964: Connection to child 1 established`,
    );
    for (const parsed of [unbracketed, bracketed]) {
      expect(parsed?.attributes).toMatchObject({ 'source.ip': '2001:db8::5', 'source.port': 443 });
      expect(parsed?.message).toBe('AH01964: Connection to child 1 established');
    }
  });

  describe('time layouts', () => {
    it('agrees with Date.UTC and the shared CLF parser on every day of four years', () => {
      const months = [
        'Jan',
        'Feb',
        'Mar',
        'Apr',
        'May',
        'Jun',
        'Jul',
        'Aug',
        'Sep',
        'Oct',
        'Nov',
        'Dec',
      ];
      for (let t = Date.UTC(2023, 0, 1, 7, 8, 9); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
        const d = new Date(t);
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        expect(civilMillis(y, m, day, 7, 8, 9, 0)).toBe(t);
        const text = `${String(day).padStart(2, '0')}/${months[m - 1]}/${y}:07:08:09 -0130`;
        expect(parseClfTimeFast(text)).toBe(parseClfTime(text));
      }
    });

    it('refuses impossible dates and odd zones, and reads HAProxy zone-less fractions', () => {
      expect(parseClfTimeFast('29/Feb/2026:10:11:12 +0000')).toBeNull();
      expect(parseClfTimeFast('29/Feb/2028:10:11:12 +0000')).toBe(
        Date.parse('2028-02-29T10:11:12Z'),
      );
      expect(parseClfTimeFast('26/Nov/2026:10:11:12 +2400')).toBeNull();
      expect(parseClfTimeFast('26/Nov/2026:10:11:12')).toBeNull();
      expect(parseClfTimeFast('26/Nov/2026:10:11:12.5', true)).toBe(
        Date.parse('2026-11-26T10:11:12.500Z'),
      );
      expect(parseClfTimeFast('26/Xyz/2026:10:11:12 +0000')).toBeNull();
    });
  });

  describe('addresses', () => {
    it('tells IP literals from host names', () => {
      expect(
        ['10.0.0.1', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:192.0.2.1'].every(isIp),
      ).toBe(true);
      expect(['dead.beef.cafe.face', 'example.com', '10.0.0', 'cafe', '-'].some(isIp)).toBe(false);
    });

    it('splits ports only where the format says one is always written', () => {
      const attrs = {};
      putAddress(attrs, 'a', '2001:db8::1');
      putAddress(attrs, 'b', '2001:db8::1:8080', true);
      putAddress(attrs, 'c', '[2001:db8::1]:8443');
      putAddress(attrs, 'd', 'lb.internal:80');
      expect(attrs).toEqual({
        'a.ip': '2001:db8::1',
        'b.ip': '2001:db8::1',
        'b.port': 8080,
        'c.ip': '2001:db8::1',
        'c.port': 8443,
        'd.address': 'lb.internal',
        'd.port': 80,
      });
    });
  });
});
