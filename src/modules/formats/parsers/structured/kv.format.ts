import type { LineFormat } from '../../log-format';
import { logfmtFields } from './logfmt.format';
import { type LogfmtPair, readQuoted } from './logfmt-scanner';

// A comma before a later key: the pairs are comma-separated and values may hold spaces.
const COMMA_LIST = /,\s{0,4}[A-Za-z_][\w.-]{0,63}\s?[=:]/;

/**
 * Generic key/value lines: `user=alice, action=login, result=ok`, `status: 200 latency: 12ms`,
 * `src:10.0.0.1 dst:10.0.0.2`. Every token must be a pair; two at least.
 */
export function scanKeyValues(line: string): LogfmtPair[] | null {
  const commas = COMMA_LIST.test(line);
  const pairs: LogfmtPair[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 44 || c === 59) {
      if (pairs.length === 0) return null;
      i++;
      continue;
    }
    const keyStart = i;
    if (!isKeyStart(c)) return null;
    while (i < n && isKeyChar(line.charCodeAt(i))) i++;
    const key = line.slice(keyStart, i);
    c = line.charCodeAt(i);
    if (c !== 61 && c !== 58) return null;
    i++;
    if (c === 58) {
      // `http://host/...` is a URL, not a key.
      if (line.charCodeAt(i) === 47) return null;
      if (line.charCodeAt(i) === 32) i++;
    }
    const q = line.charCodeAt(i);
    if (q === 34) {
      const read = readQuoted(line, i);
      if (read === null) return null;
      pairs.push({ key, value: read.value, quoted: true });
      i = read.end;
      continue;
    }
    if (q === 39) {
      const close = line.indexOf("'", i + 1);
      if (close === -1) return null;
      pairs.push({ key, value: line.slice(i + 1, close), quoted: true });
      i = close + 1;
      continue;
    }
    const valueStart = i;
    while (i < n) {
      const v = line.charCodeAt(i);
      if (v === 44 || v === 59 || (!commas && (v === 32 || v === 9))) break;
      i++;
    }
    pairs.push({ key, value: line.slice(valueStart, i).trim(), quoted: false });
  }
  return pairs.length >= 2 ? pairs : null;
}

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

export const kvFormat: LineFormat = {
  name: 'kv',
  family: 'structured',
  kind: 'line',
  description: 'Generic key=value or key: value pairs separated by spaces or commas',
  priority: -100,
  detect(line) {
    if (!isKeyStart(line.charCodeAt(0))) return false;
    let i = 1;
    while (i < line.length && i < 64 && isKeyChar(line.charCodeAt(i))) i++;
    const c = line.charCodeAt(i);
    return (c === 61 || c === 58) && scanKeyValues(line) !== null;
  },
  parse(line) {
    const pairs = scanKeyValues(line);
    return pairs === null ? null : logfmtFields(pairs);
  },
  samples: [
    {
      line: 'user=alice smith, action=login, result=success, ip=10.0.0.17, attempts=1',
      expect: {
        attributes: {
          user: 'alice smith',
          action: 'login',
          result: 'success',
          ip: '10.0.0.17',
          attempts: 1,
        },
      },
    },
    {
      line: 'timestamp: 2026-11-26T10:11:12Z, level: error, message: upstream timed out, upstream: 10.1.0.4:8080',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        level: 'error',
        message: 'upstream timed out',
        attributes: { upstream: '10.1.0.4:8080' },
      },
    },
    {
      line: "src:192.0.2.10 dst:198.51.100.3 proto:udp bytes:512 note:'dns retry'",
      expect: {
        attributes: {
          src: '192.0.2.10',
          dst: '198.51.100.3',
          proto: 'udp',
          bytes: 512,
          note: 'dns retry',
        },
      },
    },
  ],
};
