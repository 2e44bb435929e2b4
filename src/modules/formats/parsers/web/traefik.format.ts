import type { LineFormat } from '../../log-format';
import { millisToNanos, putNumber, putText, scanFields, toNumber } from './access-fields';
import { CLF_HEAD, QUOTED, clfCore, putRefererAndAgent } from './clf-line';

const DETECT = new RegExp(`${CLF_HEAD} ${QUOTED} ${QUOTED} \\d+ ${QUOTED} ${QUOTED} \\d+ms$`);

/**
 * Traefik's default (CLF-derived) access log: combined, then the request count since start,
 * "router name", "backend URL" and the duration in milliseconds.
 */
export const TRAEFIK_FORMAT: LineFormat = {
  name: 'traefik',
  family: 'web',
  kind: 'line',
  description:
    'Traefik access log (common format): combined fields plus request count, "router", "backend URL" and duration in ms',
  priority: 30,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const fields = scanFields(line);
    if (fields?.length !== 13) return null;
    const parsed = clfCore(fields);
    const durationText = fields[12] as string;
    if (parsed === null || !durationText.endsWith('ms')) return null;
    const attrs = parsed.attributes ?? {};
    putRefererAndAgent(attrs, fields[7], fields[8]);
    putNumber(attrs, 'traefik.request_count', fields[9]);
    putText(attrs, 'traefik.router_name', fields[10]);
    putText(attrs, 'traefik.service_url', fields[11]);
    const ms = toNumber(durationText.slice(0, -2));
    if (ms !== undefined) attrs['event.duration'] = millisToNanos(ms);
    return parsed;
  },
  samples: [
    {
      line: '10.42.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET /api/users/42 HTTP/1.1" 200 1543 "-" "Go-http-client/1.1" 18334 "api@kubernetescrd" "http://10.42.1.17:8080" 12ms',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'source.ip': '10.42.0.1',
          'http.request.method': 'GET',
          'url.path': '/api/users/42',
          'http.response.status_code': 200,
          'http.response.body.bytes': 1543,
          'user_agent.original': 'Go-http-client/1.1',
          'traefik.request_count': 18334,
          'traefik.router_name': 'api@kubernetescrd',
          'traefik.service_url': 'http://10.42.1.17:8080',
          'event.duration': 12_000_000,
        },
      },
    },
    {
      line: '2001:db8::44 - - [26/Nov/2026:10:11:13 +0000] "POST /upload HTTP/2.0" 502 11 "https://files.example.com/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)" 18335 "files-router@docker" "http://172.18.0.5:9000" 30004ms',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        attributes: {
          'source.ip': '2001:db8::44',
          'http.response.status_code': 502,
          'http.request.referrer': 'https://files.example.com/',
          'traefik.router_name': 'files-router@docker',
          'event.duration': 30_004_000_000,
        },
      },
    },
    {
      line: '192.168.1.20 - - [26/Nov/2026:10:11:14 +0000] "GET /favicon.ico HTTP/1.1" 404 19 "-" "-" 18336 "-" "-" 0ms',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        attributes: {
          'http.response.status_code': 404,
          'traefik.request_count': 18336,
          'event.duration': 0,
        },
      },
    },
  ],
};
