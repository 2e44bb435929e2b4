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
