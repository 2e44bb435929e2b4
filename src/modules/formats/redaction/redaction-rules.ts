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
import { PLACEHOLDERS, type RedactionRule } from './placeholders';
import { redactCards, redactEmails, redactIbans } from './text-scanners';

export {
  DEFAULT_REDACTION_RULES,
  PLACEHOLDERS,
  REDACTION_RULES,
  type RedactionRule,
} from './placeholders';
export { luhn } from './text-scanners';

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
