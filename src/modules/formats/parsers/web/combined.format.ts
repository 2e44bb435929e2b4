import type { LineFormat } from '../../log-format';
import { putText, scanFields } from './access-fields';
import { CLF_HEAD, QUOTED, clfCore, putForwardedFor, putRefererAndAgent } from './clf-line';

// Referer and user agent, then any number of extra quoted fields (nginx setups often append
// "$http_x_forwarded_for"); an unquoted field after them belongs to another format (traefik).
const DETECT = new RegExp(`${CLF_HEAD} ${QUOTED} ${QUOTED}(?: ${QUOTED})*$`);

/** Apache/nginx `combined`: CLF plus "referer" "user-agent", and nginx's extra quoted fields. */
export const COMBINED_FORMAT: LineFormat = {
  name: 'combined',
  family: 'web',
  kind: 'line',
  description:
    'Apache/nginx combined access log: CLF plus "referer" "user-agent" (extra trailing quoted fields such as X-Forwarded-For accepted)',
  priority: 20,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const fields = scanFields(line);
    if (fields === null || fields.length < 9) return null;
    const parsed = clfCore(fields);
    if (parsed === null) return null;
    const attrs = parsed.attributes ?? {};
    putRefererAndAgent(attrs, fields[7], fields[8]);
    for (let i = 9; i < fields.length; i++) {
      if (i === 9 && putForwardedFor(attrs, fields[i])) continue;
      putText(attrs, `combined.extra_${i - 8}`, fields[i]);
    }
    return parsed;
  },
  samples: [
    {
      line: '93.184.216.34 - - [26/Nov/2026:10:11:12 +0000] "GET /static/app.3f9a.js HTTP/2.0" 200 48213 "https://shop.example.com/cart" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'source.ip': '93.184.216.34',
          'http.request.method': 'GET',
          'url.path': '/static/app.3f9a.js',
          'http.version': '2.0',
          'http.response.status_code': 200,
          'http.response.body.bytes': 48213,
          'http.request.referrer': 'https://shop.example.com/cart',
          'user_agent.original':
            'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
        },
      },
    },
    {
      line: '10.0.3.7 - alice [26/Nov/2026:10:11:13 +0200] "GET /search?q=\\"disk full\\" HTTP/1.1" 500 612 "-" "curl/8.5.0" "203.0.113.9, 10.0.0.2"',
      expect: {
        timestamp: Date.parse('2026-11-26T08:11:13Z'),
        attributes: {
          'source.ip': '10.0.3.7',
          'user.name': 'alice',
          'url.original': '/search?q="disk full"',
          'url.query': 'q="disk full"',
          'http.response.status_code': 500,
          'user_agent.original': 'curl/8.5.0',
          'http.request.forwarded_for': '203.0.113.9, 10.0.0.2',
          'client.ip': '203.0.113.9',
        },
      },
    },
    {
      line: '2a02:c7e:1234:5600::2 - - [26/Nov/2026:10:11:15 +0000] "POST /api/login HTTP/1.1" 401 53 "https://app.example.org/login" "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1" "-"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15Z'),
        attributes: {
          'source.ip': '2a02:c7e:1234:5600::2',
          'http.request.method': 'POST',
          'http.response.status_code': 401,
          'http.request.referrer': 'https://app.example.org/login',
        },
      },
    },
    {
      line: '172.17.0.1 - - [26/Nov/2026:10:11:16 +0000] "GET /health HTTP/1.1" 499 0 "-" "kube-probe/1.31" "-" "0.000"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:16Z'),
        attributes: {
          'http.response.status_code': 499,
          'user_agent.original': 'kube-probe/1.31',
          'combined.extra_2': '0.000',
        },
      },
    },
  ],
};
