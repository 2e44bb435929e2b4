import type { LineFormat } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';

const DETECT =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) (?:stdout|stderr) [FP](?::[^ ]*)?(?: |$)/;

/**
 * The CRI log format containerd and CRI-O write under /var/log/pods: `time stream tag message`,
 * where tag `P` marks a piece of a line the runtime split (joined until the `F` piece).
 */
export const CRI_FORMAT: LineFormat = {
  name: 'cri',
  family: 'containers',
  kind: 'line',
  description: 'CRI container log (containerd, CRI-O): RFC 3339 time, stdout|stderr, F|P, message',
  priority: 30,
  wraps: true,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    if (a === -1 || b === -1) return null;
    const stream = line.slice(a + 1, b);
    if (stream !== 'stdout' && stream !== 'stderr') return null;
    let c = line.indexOf(' ', b + 1);
    if (c === -1) c = line.length;
    const tag = line.slice(b + 1, c);
    if (tag.charCodeAt(0) !== 80 && tag.charCodeAt(0) !== 70) return null;
    const timestamp = parseTimestamp(line.slice(0, a));
    return {
      ...(timestamp === null ? {} : { timestamp }),
      message: line.slice(c + 1),
      attributes: { 'log.iostream': stream },
      ...(tag.charCodeAt(0) === 80 ? { partial: true } : {}),
    };
  },
  samples: [
    {
      line: '2026-11-26T10:11:12.123456789Z stdout F 10.42.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        message:
          '10.42.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0"',
        attributes: { 'log.iostream': 'stdout' },
      },
    },
    {
      line: '2026-11-26T10:11:13.000000001+01:00 stderr P {"level":"error","msg":"request failed","payload":"aaaaaaaaaaaaaaaa',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:13Z'),
        message: '{"level":"error","msg":"request failed","payload":"aaaaaaaaaaaaaaaa',
        attributes: { 'log.iostream': 'stderr' },
        partial: true,
      },
    },
    {
      line: '2026-11-26T10:11:14.5Z stderr F ',
      expect: { timestamp: Date.parse('2026-11-26T10:11:14.500Z'), message: '' },
    },
    {
      line: '2026-11-26T10:11:15.250000000Z stderr F E1126 10:11:15.249871       1 leaderelection.go:340] error retrieving resource lock kube-system/kube-scheduler: context deadline exceeded',
      expect: {
        message:
          'E1126 10:11:15.249871       1 leaderelection.go:340] error retrieving resource lock kube-system/kube-scheduler: context deadline exceeded',
      },
    },
  ],
};
