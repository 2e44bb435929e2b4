import { inspect } from 'node:util';

const SHOWN = '[secret]';

/**
 * A secret on its way in from GraphQL. It prints, serializes and inspects as `[secret]`, so a
 * logger, an error message or `JSON.stringify` of resolver arguments cannot reveal it; only
 * `reveal()` (called once, to seal it) reads the text. Non-string input is kept as invalid
 * rather than rejected during GraphQL coercion, whose errors would echo the value.
 */
export class SecretValue {
  readonly #plaintext: string | null;

  constructor(input: unknown) {
    this.#plaintext = typeof input === 'string' ? input : null;
  }

  /** The text, or null when the input was not a string. */
  reveal(): string | null {
    return this.#plaintext;
  }

  toString(): string {
    return SHOWN;
  }

  toJSON(): string {
    return SHOWN;
  }

  [inspect.custom](): string {
    return `SecretValue(${SHOWN})`;
  }
}
