import { prescan } from './prescan';
import { PLACEHOLDERS, type RedactionRule, type Scanner, SCANNERS } from './redaction-rules';

/** Told how many values each rule replaced in one call (metrics). */
export type RedactionSink = (rule: RedactionRule, count: number) => void;

// What a secret-looking attribute key asks for.
const BY_KEY_NONE = 0;
const PASSWORD = 1;
const API_KEY = 2;
const BEARER = 3;

/** What the record-level redaction needs of a LogRecord. */
export interface RedactableRecord {
  body: string;
  attributes: Record<string, unknown>;
}

type KeyAction = typeof BY_KEY_NONE | typeof PASSWORD | typeof API_KEY | typeof BEARER;
const SECRET_KEY = /(?:password|passwd|passphrase|secret|token)(?:[_-]?key)?$/i;
const API_KEY_KEY = /api[_-]?key$/i;
const AUTHORIZATION_KEY = /(?:^|[._-])authorization$/i;
const MAX_KEY_CACHE = 10_000;

/**
 * Replaces personal data and credentials in log text with typed placeholders (`<EMAIL>`,
 * `<CREDIT_CARD>`, `<IBAN>`, `<TOKEN>`, `<JWT>`, `<PASSWORD>`, `<IP>`), for the rules given.
 *
 * It sits on the ingest hot path: one pass over the characters decides which rules could match
 * (an `@`, a long digit run, `eyJ`, a keyword...), and only those run, so a clean line costs a
 * single scan and returns the very same string. Values under secret-looking attribute keys
 * (`password`, `db.secret`, `api_key`, `authorization`) are replaced whatever they look like.
 *
 * @example
 *   const redactor = new Redactor(DEFAULT_REDACTION_RULES);
 *   redactor.redact('login ok for jane@example.com'); // 'login ok for <EMAIL>'
 */
export class Redactor {
  readonly rules: ReadonlySet<RedactionRule>;
  /** The prescan signs of the enabled scanners. */
  readonly #signs: number;
  readonly #scanners: readonly Scanner[];
  readonly #keyActions = new Map<string, KeyAction>();
  readonly #counts = new Map<RedactionRule, number>();

  constructor(
    rules: Iterable<RedactionRule>,
    private readonly sink: RedactionSink | null = null,
  ) {
    this.rules = new Set(rules);
    this.#scanners = SCANNERS.filter((s) => this.rules.has(s.rule));
    this.#signs = this.#scanners.reduce((signs, s) => signs | s.signs, 0);
  }

  /** The text with every enabled rule applied; the same string when nothing matched. */
  redact(text: string): string {
    const out = this.#redact(text);
    this.#flush();
    return out;
  }

  /**
   * Redacts the body and every string attribute (and strings in array attributes) in place.
   * Returns how many values were replaced.
   */
  redactRecord(record: RedactableRecord): number {
    if (this.rules.size === 0) return 0;
    record.body = this.#redact(record.body);
    const attributes = record.attributes;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = attributes[key];
      const action = this.#keyAction(key);
      if (action !== BY_KEY_NONE && (typeof value === 'string' || typeof value === 'number')) {
        const replaced = this.#byKey(action, value);
        if (replaced !== value) attributes[key] = replaced;
      } else if (typeof value === 'string') {
        const replaced = this.#redact(value);
        if (replaced !== value) attributes[key] = replaced;
      } else if (Array.isArray(value)) {
        this.#redactArray(value);
      }
    }
    return this.#flush();
  }

  #redactArray(values: unknown[]): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'string') values[i] = this.#redact(v);
    }
  }

  #redact(text: string): string {
    const signs = prescan(text, this.#signs);
    if (signs === 0) return text;
    let out = text;
    for (const scanner of this.#scanners) {
      if ((signs & scanner.signs) === 0) continue;
      out = scanner.scan(out, (n) => this.#add(scanner.rule, n));
    }
    return out;
  }

  #keyAction(key: string): KeyAction {
    let action = this.#keyActions.get(key);
    if (action !== undefined) return action;
    action = BY_KEY_NONE;
    if (SECRET_KEY.test(key) && this.rules.has('PASSWORD')) action = PASSWORD;
    else if (API_KEY_KEY.test(key) && this.rules.has('API_KEY')) action = API_KEY;
    else if (AUTHORIZATION_KEY.test(key) && this.rules.has('BEARER_TOKEN')) action = BEARER;
    // Keys repeat from record to record; a flood of distinct ones must not grow the map forever.
    if (this.#keyActions.size >= MAX_KEY_CACHE) this.#keyActions.clear();
    this.#keyActions.set(key, action);
    return action;
  }

  #byKey(action: KeyAction, value: string | number): string | number {
    const text = String(value);
    if (text === '' || /^<[A-Z_]+>$/.test(text)) return value;
    switch (action) {
      case PASSWORD:
        this.#add('PASSWORD', 1);
        return PLACEHOLDERS.PASSWORD;
      case API_KEY:
        this.#add('API_KEY', 1);
        return PLACEHOLDERS.API_KEY;
      case BEARER: {
        // `Bearer abc`, `Basic abc`: keep the scheme, it tells the reader what was there.
        const scheme = /^([A-Za-z][A-Za-z0-9-]*) +\S/.exec(text);
        this.#add('BEARER_TOKEN', 1);
        return scheme ? `${scheme[1]} ${PLACEHOLDERS.BEARER_TOKEN}` : PLACEHOLDERS.BEARER_TOKEN;
      }
      default:
        return value;
    }
  }

  #add(rule: RedactionRule, n: number): void {
    this.#counts.set(rule, (this.#counts.get(rule) ?? 0) + n);
  }

  /** Reports and clears the counts of the current call; returns their total. */
  #flush(): number {
    if (this.#counts.size === 0) return 0;
    let total = 0;
    for (const [rule, n] of this.#counts) {
      total += n;
      this.sink?.(rule, n);
    }
    this.#counts.clear();
    return total;
  }
}
