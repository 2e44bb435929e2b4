/**
 * SD-IDs whose `key` parameter carries a Vigil API key in RFC 5424 structured data. RFC 5424
 * reserves names without `@` for IANA, so `vigil@32473` (32473 is the private enterprise number
 * RFC 5612 sets aside for documentation and examples) is the documented form; plain `vigil` is
 * accepted too because it is what people type.
 */
export const KEY_SD_IDS: ReadonlySet<string> = new Set(['vigil@32473', 'vigil']);

export interface SyslogKey {
  /** The API key found in structured data, or null. */
  key: string | null;
  /** The message with the key's SD element removed (unchanged when there was none). */
  line: string;
}

/**
 * Finds a Vigil API key in an RFC 5424 message's structured data and removes its SD element,
 * so the key is never stored: `<13>1 TS HOST APP - - [vigil@32473 key="vgl_x"][a b="c"] msg`
 * becomes `<13>1 TS HOST APP - - [a b="c"] msg` (`-` when no element is left). Anything that is
 * not a well-formed RFC 5424 header and SD is returned unchanged with key null; never throws.
 */
export function takeSyslogKey(line: string): SyslogKey {
  const none = { key: null, line };
  // <PRI>VERSION, then TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each followed by one space.
  const header = /^<\d{1,3}>[1-9]\d{0,2} /.exec(line);
  if (header === null) return none;
  let i = header[0].length;
  for (let field = 0; field < 5; field++) {
    const space = line.indexOf(' ', i);
    if (space <= i) return none;
    i = space + 1;
  }
  if (line[i] !== '[') return none;
  const sdStart = i;
  let key: string | null = null;
  const kept: string[] = [];
  while (line[i] === '[') {
    const element = readElement(line, i);
    if (element === null) return none;
    if (key === null && KEY_SD_IDS.has(element.id) && element.key !== null) {
      key = element.key;
    } else {
      kept.push(line.slice(i, element.end));
    }
    i = element.end;
  }
  if (key === null) return none;
  const sd = kept.length === 0 ? '-' : kept.join('');
  return { key, line: line.slice(0, sdStart) + sd + line.slice(i) };
}

/** One `[ID name="value" ...]` element from `start`: its id, its `key` param and its end. */
function readElement(
  line: string,
  start: number,
): { id: string; key: string | null; end: number } | null {
  let i = start + 1;
  const idEnd = nameEnd(line, i);
  if (idEnd === i) return null;
  const id = line.slice(i, idEnd);
  i = idEnd;
  let key: string | null = null;
  while (line[i] === ' ') {
    i++;
    const paramEnd = nameEnd(line, i);
    if (paramEnd === i || line[paramEnd] !== '=' || line[paramEnd + 1] !== '"') return null;
    const name = line.slice(i, paramEnd);
    i = paramEnd + 2;
    let value = '';
    let chunk = i;
    for (;;) {
      const c = line[i];
      if (c === undefined) return null;
      if (c === '"') break;
      if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\' || line[i + 1] === ']')) {
        value += line.slice(chunk, i);
        chunk = i + 1;
        i += 2;
        continue;
      }
      i++;
    }
    value += line.slice(chunk, i);
    i++;
    if (name === 'key') key = value;
  }
  if (line[i] !== ']') return null;
  return { id, key, end: i + 1 };
}

/** End of an SD-NAME: printable US-ASCII except `=`, space, `]` and `"`. */
function nameEnd(line: string, i: number): number {
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 61 || c === 93 || c === 34) break;
    i++;
  }
  return i;
}
