/**
 * The scanners that are not a single regular expression: e-mail addresses (found from each `@`),
 * IBANs (country length + mod-97) and card numbers (issuer prefix + Luhn). Each walks the text once.
 */
import { PLACEHOLDERS } from './placeholders';

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
export function redactEmails(text: string, count: (n: number) => void): string {
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
export function redactIbans(text: string, count: (n: number) => void): string {
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
export function redactCards(text: string, count: (n: number) => void): string {
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
