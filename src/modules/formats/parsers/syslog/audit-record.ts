import type { ParsedAttributes } from '../../log-format';
import { prefixedKey } from '../structured/prefixed-key';

/** A Linux audit record taken apart. */
export interface AuditRecord {
  node?: string;
  /** Seconds.millis:serial from `audit(...)`, as epoch ms. */
  timestamp?: number;
  attributes: ParsedAttributes;
}

// `node=h type=SYSCALL msg=audit(1364481363.243:24287): ` or the kernel's `type=1400 audit(...): `.
const HEAD =
  /^(?:node=([^ ]{1,255}) )?type=([A-Za-z0-9_]{1,40}) (?:msg=)?audit\((\d{1,12})\.(\d{1,3}):(\d{1,20})\): ?/;

// Fields auditd hex-encodes when their text holds a space, a quote or a control character.
const HEX_FIELDS = new Set([
  'proctitle',
  'comm',
  'exe',
  'cwd',
  'name',
  'acct',
  'cmd',
  'path',
  'key',
  'data',
  'old-name',
  'new-name',
  'ocomm',
  'watch',
  'vm',
]);

const ABSENT = new Set(['?', '(null)', '(none)', '']);

/**
 * Parses an audit.log record (`type=SYSCALL msg=audit(...): arch=c000003e ... comm="cat"`). The
 * `msg='op=... res=failed'` of user-space records is opened too; hex-encoded strings are decoded.
 * Null when the text is not an audit record.
 */
export function parseAuditRecord(text: string): AuditRecord | null {
  const m = HEAD.exec(text);
  if (m === null) return null;
  const attributes: ParsedAttributes = {};
  const out: AuditRecord = { attributes };
  if (m[1] !== undefined) out.node = m[1];
  attributes['auditd.type'] = m[2] as string;
  const millis = (m[4] as string).padEnd(3, '0');
  out.timestamp = Number(m[3]) * 1000 + Number(millis);
  attributes['auditd.sequence'] = Number(m[5]);
  readFields(text, m[0].length, attributes, m[2] === 'EXECVE');
  return out;
}

/** `execve` marks EXECVE records, whose a0..aN arguments are strings (hex when they need it). */
function readFields(text: string, at: number, attributes: ParsedAttributes, execve = false): void {
  let i = at;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Spaces, and the GS (0x1d) that puts auditd's enriched fields (UID="root") apart.
    if (c === 32 || c === 0x1d || c === 10) {
      i++;
      continue;
    }
    const eq = text.indexOf('=', i);
    if (eq === -1) return;
    const space = text.indexOf(' ', i);
    if (space !== -1 && space < eq) {
      // A bare word (the kernel's `AVC` records write some): skip it.
      i = space + 1;
      continue;
    }
    const key = text.slice(i, eq);
    i = eq + 1;
    const q = text.charCodeAt(i);
    if (q === 34 || q === 39) {
      let close = text.indexOf(q === 34 ? '"' : "'", i + 1);
      if (close === -1) close = n;
      const inner = text.slice(i + 1, close);
      i = close + 1;
      if (q === 39 && key === 'msg') {
        // User-space records nest their own fields in msg='...'.
        readFields(inner, 0, attributes);
      } else {
        setField(attributes, key, inner);
      }
      continue;
    }
    let end = i;
    while (end < n) {
      const e = text.charCodeAt(end);
      if (e === 32 || e === 0x1d || e === 10) break;
      end++;
    }
    const raw = text.slice(i, end);
    i = end;
    const hex = HEX_FIELDS.has(key) || (execve && /^a\d{1,4}$/.test(key));
    setField(attributes, key, hex ? decodeHex(raw) : raw);
  }
}

function setField(attributes: ParsedAttributes, key: string, value: string): void {
  if (ABSENT.has(value)) return;
  switch (key) {
    case 'pid':
      attributes['process.pid'] = numberOr(value);
      return;
    case 'ppid':
      attributes['process.parent.pid'] = numberOr(value);
      return;
    case 'comm':
      attributes['process.name'] = value;
      return;
    case 'exe':
      attributes['process.executable'] = value;
      return;
    case 'proctitle':
      attributes['process.title'] = value;
      return;
    case 'uid':
      attributes['user.id'] = value;
      return;
    case 'auid':
      // 4294967295 is "unset" (-1 as u32).
      if (value !== '4294967295') attributes['user.audit.id'] = value;
      return;
    case 'euid':
      attributes['user.effective.id'] = value;
      return;
    case 'acct':
      attributes['user.name'] = value;
      return;
    case 'addr':
      if (/^[0-9a-fA-F:.]+$/.test(value) && /[.:]/.test(value)) attributes['source.ip'] = value;
      else attributes['auditd.addr'] = value;
      return;
    case 'success':
      attributes['event.outcome'] = value === 'yes' ? 'success' : 'failure';
      attributes['auditd.success'] = value;
      return;
    case 'res':
      attributes['event.outcome'] =
        value === 'success' || value === '1'
          ? 'success'
          : value === 'failed' || value === '0'
            ? 'failure'
            : value;
      return;
    default:
      // a0..a3 of SYSCALL records are hex register values: text, even when they look decimal.
      attributes[prefixedKey('auditd.', key)] =
        /^-?\d{1,15}$/.test(value) && !/^a\d{1,4}$/.test(key) ? Number(value) : value;
  }
}

function numberOr(value: string): string | number {
  return /^\d{1,15}$/.test(value) ? Number(value) : value;
}

/** Upper-case hex of even length decodes to text (NULs between argv words become spaces). */
function decodeHex(raw: string): string {
  if (raw.length < 2 || raw.length % 2 !== 0 || !/^[0-9A-F]+$/.test(raw)) return raw;
  const bytes = Buffer.from(raw, 'hex');
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) bytes[i] = 32;
  const utf8 = bytes.toString('utf8');
  // Not UTF-8 (a Latin-1 file name): keep every byte as one character rather than lose it.
  return (utf8.includes('\uFFFD') ? bytes.toString('latin1') : utf8).trimEnd();
}
