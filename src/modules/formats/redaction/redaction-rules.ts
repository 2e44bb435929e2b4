import { isIPv6 } from 'node:net';

import {
  T_API_KEY,
  T_BEARER,
  T_CARD,
  T_EMAIL,
  T_IBAN,
  T_IPV4,
  T_IPV6,
  T_JWT,
  T_KNOWN_KEY,
  T_PASSWORD,
  T_URL_PASSWORD,
} from './prescan';

/** What can be redacted; a tenant's policy turns each on or off. */
export const REDACTION_RULES = [
  'EMAIL',
  'CREDIT_CARD',
  'IBAN',
  'BEARER_TOKEN',
  'API_KEY',
  'JWT',
  'PASSWORD',
  'IP',
] as const;
export type RedactionRule = (typeof REDACTION_RULES)[number];

/** On unless a tenant says otherwise: everything but IP addresses, which operators usually need. */
export const DEFAULT_REDACTION_RULES: readonly RedactionRule[] = REDACTION_RULES.filter(
  (r) => r !== 'IP',
);

export const PLACEHOLDERS: Readonly<Record<RedactionRule, string>> = {
  EMAIL: '<EMAIL>',
  CREDIT_CARD: '<CREDIT_CARD>',
  IBAN: '<IBAN>',
  BEARER_TOKEN: '<TOKEN>',
  API_KEY: '<TOKEN>',
  JWT: '<JWT>',
  PASSWORD: '<PASSWORD>',
  IP: '<IP>',
};

/** Replaces matches in `text`, counting them; returns the new text (the same string when none). */
export type RuleScanner = (text: string, count: (n: number) => void) => string;

const PLACEHOLDER = /^<[A-Z_]+>$/;

/** Replaces the value group of `re` (group 2, after the key in group 1), unless already redacted. */
function replaceValue(re: RegExp, placeholder: string): RuleScanner {
  return (text, count) => {
    let n = 0;
    const out = text.replace(re, (whole: string, key: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      const bare = quote === '' ? value : value.slice(1, -1);
      if (bare === '' || PLACEHOLDER.test(bare)) return whole;
      n++;
      return `${key}${quote}${placeholder}${quote}`;
    });
    if (n > 0) count(n);
    return out;
  };
}

function replaceWhole(re: RegExp, placeholder: string): RuleScanner {
  return (text, count) => {
    let n = 0;
    const out = text.replace(re, () => {
      n++;
      return placeholder;
    });
    if (n > 0) count(n);
    return out;
  };
}

// Every pattern starts where a run of its characters starts (a lookbehind or a literal keyword)
// and its repetitions cover disjoint character sets, so V8's backtracking stays linear.

const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{7,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

const BEARER =
  /((?<![A-Za-z0-9])bearer\s+|(?<![A-Za-z0-9-])authorization["']?\s*[:=]\s*["']?basic\s+)([A-Za-z0-9._~+/-]{8,}=*)/gi;

const KNOWN_KEYS =
  /(?<![A-Za-z0-9_])(?:vgl_[A-Za-z0-9]{16,}|(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})/g;
const API_KEY_VALUE =
  /((?<![A-Za-z0-9])(?:x-)?api[_-]?key["']?\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|[^\s"',;&<>{}[\]]+)/gi;

const URL_PASSWORD =
  /((?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}:\/\/[^\s:@/]{1,256}:)([^\s@/]{1,256})(?=@)/g;
const KEY_VALUE_PASSWORD =
  /((?:password|passwd|passphrase|secret|token)(?:[_.-]?key)?["']?\s*[:=]\s*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"',;&)}\]]+)/gi;

const IPV4 =
  /(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?![0-9]|\.[0-9])/g;
const IPV6_CANDIDATE = /(?<![0-9A-Fa-f:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]*(?![0-9A-Fa-f:])/g;

/** One scanner of a rule, and the prescan signs it needs. */
export interface Scanner {
  readonly rule: RedactionRule;
  readonly signs: number;
  readonly scan: RuleScanner;
}

/**
 * The scanners in the order they run: JWTs before bearer tokens (`Bearer <JWT>`), URL credentials
 * and key=value secrets before e-mail addresses (`user:pass@host`), known key shapes before the
 * generic `api_key=` (which then skips the placeholder).
 */
export const SCANNERS: readonly Scanner[] = [
  { rule: 'JWT', signs: T_JWT, scan: replaceWhole(JWT, PLACEHOLDERS.JWT) },
  { rule: 'BEARER_TOKEN', signs: T_BEARER, scan: replaceValue(BEARER, PLACEHOLDERS.BEARER_TOKEN) },
  { rule: 'API_KEY', signs: T_KNOWN_KEY, scan: replaceWhole(KNOWN_KEYS, PLACEHOLDERS.API_KEY) },
  { rule: 'API_KEY', signs: T_API_KEY, scan: replaceValue(API_KEY_VALUE, PLACEHOLDERS.API_KEY) },
  {
    rule: 'PASSWORD',
    signs: T_URL_PASSWORD,
    scan: replaceValue(URL_PASSWORD, PLACEHOLDERS.PASSWORD),
  },
  {
    rule: 'PASSWORD',
    signs: T_PASSWORD,
    scan: replaceValue(KEY_VALUE_PASSWORD, PLACEHOLDERS.PASSWORD),
  },
  { rule: 'EMAIL', signs: T_EMAIL, scan: redactEmails },
  { rule: 'IBAN', signs: T_IBAN, scan: redactIbans },
  { rule: 'CREDIT_CARD', signs: T_CARD, scan: redactCards },
  { rule: 'IP', signs: T_IPV4, scan: replaceWhole(IPV4, PLACEHOLDERS.IP) },
  { rule: 'IP', signs: T_IPV6, scan: redactIpv6 },
];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isLocalPart(c: number): boolean {
  // A-Z a-z 0-9 . _ % + -
  return isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isDomain(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 45;
}

/**
 * E-mail addresses, found from each `@` outwards (a regex would retry the local part from every
 * position of a long word). The domain needs a dot and a top-level label of two letters or more.
 */
function redactEmails(text: string, count: (n: number) => void): string {
  let at = text.indexOf('@');
  if (at < 0) return text;
  let out = '';
  let copied = 0;
  let n = 0;
  while (at >= 0) {
    let start = at;
    while (start > copied && isLocalPart(text.charCodeAt(start - 1))) start--;
    while (start < at && text.charCodeAt(start) === 46) start++;
    let end = at + 1;
    while (end < text.length && isDomain(text.charCodeAt(end))) end++;
    // A sentence may end right after the address.
    while (end > at + 1 && !isAlnum(text.charCodeAt(end - 1))) end--;
    if (start < at && validDomain(text, at + 1, end)) {
      out += text.slice(copied, start) + PLACEHOLDERS.EMAIL;
      copied = end;
      n++;
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
  if (n === 0) return text;
  count(n);
  return out + text.slice(copied);
}

/** `text[from, to)` has labels separated by single dots and ends in a label of 2+ letters. */
function validDomain(text: string, from: number, to: number): boolean {
  // Only the domain's own characters are read: a scan past them per `@` would be quadratic.
  let lastDot = -1;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== 46) continue;
    if (i === from || i === lastDot + 1) return false;
    lastDot = i;
  }
  if (lastDot < 0 || to - lastDot - 1 < 2) return false;
  for (let i = lastDot + 1; i < to; i++) {
    const c = text.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * IBANs, compact or printed in groups of four: the country's length must fit exactly and the
 * ISO 7064 mod-97 check must give 1.
 */
function redactIbans(text: string, count: (n: number) => void): string {
  let out = '';
  let copied = 0;
  let n = 0;
  for (let i = 0; i + 4 <= text.length; i++) {
    if (
      !isUpper(text.charCodeAt(i)) ||
      !isUpper(text.charCodeAt(i + 1)) ||
      !isDigit(text.charCodeAt(i + 2)) ||
      !isDigit(text.charCodeAt(i + 3)) ||
      (i > 0 && isAlnum(text.charCodeAt(i - 1)))
    ) {
      continue;
    }
    const length = IBAN_LENGTHS[text.slice(i, i + 2)];
    if (length === undefined) continue;
    const end = ibanEnd(text, i, length);
    if (end < 0) continue;
    out += text.slice(copied, i) + PLACEHOLDERS.IBAN;
    copied = end;
    i = end - 1;
    n++;
  }
  if (n === 0) return text;
  count(n);
  return out + text.slice(copied);
}

/** Where an IBAN of `length` characters starting at `from` ends, or -1 if there is none. */
function ibanEnd(text: string, from: number, length: number): number {
  let chars = '';
  let i = from;
  while (chars.length < length && i < text.length) {
    const c = text.charCodeAt(i);
    if (isDigit(c) || isUpper(c)) {
      chars += text[i];
      i++;
    } else if (c === 32 && chars.length % 4 === 0 && i + 1 < text.length) {
      i++;
    } else {
      return -1;
    }
  }
  if (chars.length !== length || (i < text.length && isAlnum(text.charCodeAt(i)))) return -1;
  return mod97(chars.slice(4) + chars.slice(0, 4)) === 1 ? i : -1;
}

function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) r = (r * 10 + (c - 48)) % 97;
    else r = (r * 100 + (c - 55)) % 97;
  }
  return r;
}

/**
 * Card numbers: 13 to 19 digits, optionally grouped by single spaces or single dashes (one kind
 * per number), starting with an issuer prefix (Visa, Mastercard, Amex, Discover, Diners, JCB,
 * UnionPay, Maestro) and passing the Luhn check. A longer digit run, a decimal fraction and an
 * epoch timestamp are not cards.
 */
function redactCards(text: string, count: (n: number) => void): string {
  let out = '';
  let copied = 0;
  let n = 0;
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let digits = '';
    let separator = 0;
    let consistent = true;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) {
        digits += text[i];
        i++;
      } else if ((c === 32 || c === 45) && isDigit(text.charCodeAt(i + 1))) {
        if (separator !== 0 && separator !== c) consistent = false;
        separator = c;
        i++;
      } else {
        break;
      }
    }
    const before = start > 0 ? text.charCodeAt(start - 1) : 32;
    const after = i < text.length ? text.charCodeAt(i) : 32;
    const decimal =
      (before === 46 && start > 1 && isDigit(text.charCodeAt(start - 2))) ||
      (after === 46 && isDigit(text.charCodeAt(i + 1)));
    if (
      consistent &&
      !decimal &&
      !isAlnum(before) &&
      !isAlnum(after) &&
      digits.length >= 13 &&
      digits.length <= 19 &&
      issuerPrefix(digits) &&
      luhn(digits)
    ) {
      out += text.slice(copied, start) + PLACEHOLDERS.CREDIT_CARD;
      copied = i;
      n++;
    }
  }
  if (n === 0) return text;
  count(n);
  return out + text.slice(copied);
}

function issuerPrefix(d: string): boolean {
  const len = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === '4') return len === 13 || len === 16 || len === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return len === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return len === 15; // Amex
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return len >= 16; // Discover
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return len >= 14; // Diners
  if (p4 >= 3528 && p4 <= 3589) return len >= 16; // JCB
  if (p2 === 62) return len >= 16; // UnionPay
  return p2 === 50 || (p2 >= 56 && p2 <= 58) || p2 === 63 || p2 === 67; // Maestro
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function redactIpv6(text: string, count: (n: number) => void): string {
  let n = 0;
  const out = text.replace(IPV6_CANDIDATE, (candidate: string) => {
    // `::1.` at the end of a sentence, `fe80::1%eth0` zones are left to the caller's eyes.
    const trimmed = candidate.endsWith('.') ? candidate.slice(0, -1) : candidate;
    if (!isIPv6(trimmed)) return candidate;
    n++;
    return PLACEHOLDERS.IP + candidate.slice(trimmed.length);
  });
  if (n > 0) count(n);
  return out;
}
