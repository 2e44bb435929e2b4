import { LogTokenizer, MASKERS, TokenBuffer, VARIABLE, WORD } from '../templates/log-tokenizer';

/**
 * The terms of one log line for a text classifier: `words` in line order (one per source token:
 * the whole lower-cased identifier, or a class token for a masked variable) feed word n-grams;
 * `pieces` are extra unigrams (sub-words of identifiers, markers) with no position.
 */
export interface LogTextTokens {
  words: string[];
  pieces: string[];
}

/** Class token of each masker of the template tokenizer (units are refined to size/duration). */
const CLASS_TOKEN: Record<(typeof MASKERS)[number], string> = {
  number: '<num>',
  unit: '<num>',
  hex: '<hex>',
  ipv4: '<ip>',
  ipv6: '<ip>',
  uuid: '<uuid>',
  timestamp: '<ts>',
  path: '<path>',
  url: '<url>',
  email: '<email>',
  id: '<id>',
};
/** Masker names by bit, in the order the template tokenizer assigns bits. */
const BY_BIT = new Map<number, (typeof MASKERS)[number]>(MASKERS.map((name, i) => [1 << i, name]));

const DURATION_UNITS = new Set([
  'ns',
  'us',
  'µs',
  'ms',
  's',
  'sec',
  'secs',
  'second',
  'seconds',
  'm',
  'min',
  'mins',
  'minute',
  'minutes',
  'h',
  'hr',
  'hrs',
  'hour',
  'hours',
  'd',
  'day',
  'days',
]);
/** Words after which a 3-digit number is an HTTP status. */
const HTTP_CONTEXT = new Set([
  'http',
  'https',
  'status',
  'statuscode',
  'status_code',
  'http_status',
  'returned',
  'response',
  'responded',
  'upstream_status',
]);
/** Words after which a number is a code worth keeping verbatim (errno 111, SQLSTATE 40001). */
const CODE_CONTEXT = new Set(['sqlstate', 'errno', 'error', 'code', 'exit', 'signal', 'err']);

/** `ORA-00942`, `E11000`, `MSB3073`, `ERR-1205`: upper-case letters then digits, kept as codes. */
const ERROR_CODE = /^[A-Z][A-Z]{0,7}[-_]?\d{2,6}$/;
const EDGE_PUNCT = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const SEGMENT_SPLIT = /[^\p{L}\p{N}]+/u;
/** Camel-case boundaries: `fooBar` → foo|Bar, `HTTPServer` → HTTP|Server, `jk2Init` → jk2|Init. */
const CAMEL = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;
const EXCEPTION_NAME = /^\p{Lu}[\p{L}\p{N}]*(?:Exception|Error|Fault|Panic)$/u;

/**
 * Log-aware text tokenisation for classification. The line is cut and its variables recognised by
 * the template miner's {@link LogTokenizer} (one scanner for the whole product), then:
 *
 * - masked variables become class tokens (`<num>`, `<ip>`, `<hex>`, `<path>`, `<uuid>`, `<ts>`,
 *   `<url>`, `<email>`, `<id>`, and `<duration>`/`<size>` for numbers with units), so `took 12ms`
 *   and `took 870ms` share their features, as in template mining;
 * - error codes stay: upper-case codes with digits (`ORA-00942`, `E11000`) are kept verbatim
 *   (lower-cased) with their prefix, errno names (`ECONNREFUSED`) are ordinary words, an HTTP
 *   status after `HTTP`, `status`, `returned`... becomes `<http5xx>` plus the code itself, and a
 *   number after `errno`, `exit`, `SQLSTATE`... is kept beside `<num>`;
 * - identifiers are kept whole and also split into lower-case pieces on camelCase, PascalCase,
 *   snake_case, kebab-case and dots (`java.io.IOException` → `java.io.ioexception`, `java`, `io`,
 *   `ioexception`, `exception`), and an exception class name adds the marker `<exception>`.
 *
 * Splitting identifiers is the "identifier splitting" of code search (e.g. Enslen et al., MSR 2009);
 * keeping codes follows the observation that error codes are the most discriminative tokens of a
 * log line (He et al., "A Survey on Automated Log Analysis for Reliability Engineering", 2021).
 *
 * @example
 *   new LogTextTokenizer().tokenize('java.io.IOException: Connection reset after 30s');
 *   // words: ['java.io.ioexception', 'connection', 'reset', 'after', '<duration>']
 *   // pieces: ['java', 'io', 'ioexception', 'exception', '<exception>']
 */
export class LogTextTokenizer {
  readonly #scanner = new LogTokenizer();
  readonly #buf = new TokenBuffer();

  /** Tokenises one line; never throws on any string. */
  tokenize(line: string): LogTextTokens {
    const out: LogTextTokens = { words: [], pieces: [] };
    const buf = this.#buf;
    this.#scanner.tokenize(line, buf);
    let previous = '';
    for (let i = 0; i < buf.length; i++) {
      const text = buf.text[i] as string;
      const kind = buf.kind[i];
      if (kind === VARIABLE) {
        previous = this.#variable(text, buf.shape[i] as number, previous, out);
      } else if (kind === WORD) {
        const word = wordTokens(text, out);
        if (word !== '') previous = word;
      }
    }
    return out;
  }

  /** Appends the tokens of one masked variable; returns the word it leaves as context. */
  #variable(text: string, shape: number, previous: string, out: LogTextTokens): string {
    if (ERROR_CODE.test(text)) {
      const code = text.toLowerCase();
      out.words.push(code);
      const prefix = /^[a-z]+/.exec(code)?.[0];
      if (prefix !== undefined && prefix.length >= 2) out.pieces.push(prefix);
      return code;
    }
    const name = BY_BIT.get(shape);
    if (name === undefined) return previous; // an empty value: `()`, `""`
    if (name === 'unit') {
      const unit = /[\p{L}]+$/u.exec(text)?.[0].toLowerCase() ?? '';
      out.words.push(DURATION_UNITS.has(unit) ? '<duration>' : '<size>');
      return '';
    }
    if (name === 'number' && /^\d+$/.test(text)) {
      const context = previous.startsWith('http') ? 'http' : previous;
      if (text.length === 3 && HTTP_CONTEXT.has(context) && text >= '100' && text <= '599') {
        out.words.push(`<http${text[0]}xx>`);
        out.pieces.push(text);
        return '';
      }
      if (CODE_CONTEXT.has(previous)) {
        out.words.push('<num>');
        out.pieces.push(text);
        return '';
      }
    }
    out.words.push(CLASS_TOKEN[name]);
    return '';
  }
}

/** Appends a word and its pieces; returns the lower-cased word ('' when nothing was left). */
function wordTokens(raw: string, out: LogTextTokens): string {
  const text = raw.replace(EDGE_PUNCT, '');
  if (text === '') return '';
  const whole = text.toLowerCase();
  out.words.push(whole);
  if (ERROR_CODE.test(text)) {
    const prefix = /^[a-z]+/.exec(whole)?.[0];
    if (prefix !== undefined && prefix.length >= 2 && prefix !== whole) out.pieces.push(prefix);
    return whole;
  }
  const seen: string[] = [whole];
  const add = (piece: string): void => {
    if (piece.length < 2 || /^\d+$/.test(piece) || seen.includes(piece)) return;
    seen.push(piece);
    out.pieces.push(piece);
  };
  let exception = false;
  for (const segment of text.split(SEGMENT_SPLIT)) {
    if (segment === '') continue;
    add(segment.toLowerCase());
    for (const part of segment.split(CAMEL)) add(part.toLowerCase());
    if (EXCEPTION_NAME.test(segment)) exception = true;
  }
  if (exception) out.pieces.push('<exception>');
  return whole;
}
