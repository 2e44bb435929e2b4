import type { FormatSample, LineFormat, ParseContext, ParsedFields } from '../log-format';
import { matchPattern, type PatternMatch } from './captured-fields';
import { compileGrok, compileNamedRegex, type CompiledPattern } from './grok-compiler';

export const CUSTOM_FORMAT_KINDS = ['grok', 'regex'] as const;
export type CustomFormatKind = (typeof CUSTOM_FORMAT_KINDS)[number];

/** Lines longer than this are not offered to custom patterns (they fall through to the built-ins). */
export const MAX_CUSTOM_LINE_LENGTH = 32 * 1024;

/**
 * Matching costs at most (RE2 instructions × characters) steps, a few nanoseconds each on
 * re2js's slowest path: a format is not run on lines longer than this budget allows, so no line
 * costs more than a few tens of milliseconds whatever the pattern.
 */
export const MATCH_BUDGET = 8_000_000;

/** The longest line a compiled pattern is run on. */
export function maxLineLength(compiled: CompiledPattern): number {
  return Math.min(MAX_CUSTOM_LINE_LENGTH, Math.floor(MATCH_BUDGET / compiled.regex.programSize()));
}

/** What a tenant saved: enough to compile a format. */
export interface CustomFormatDefinition {
  id: string;
  /** Kebab-case; the format's name is `custom-<name>`. */
  name: string;
  kind: CustomFormatKind;
  pattern: string;
  /** Pin: the format is tried first for records of this service (null: any). */
  service: string | null;
  /** Pin: the format is tried first for records sent to this dataset (null: any). */
  dataset: string | null;
  priority: number;
}

/** Compiles a pattern of either kind. @throws PatternCompileError */
export function compilePattern(kind: CustomFormatKind, pattern: string): CompiledPattern {
  return kind === 'grok' ? compileGrok(pattern) : compileNamedRegex(pattern);
}

/**
 * A tenant's grok or regex format as a LineFormat (family `custom`). Matching runs on RE2, so its
 * cost is linear in the line whatever the pattern; `detect` and `parse` never throw.
 */
export class CustomLineFormat implements LineFormat {
  readonly kind = 'line';
  readonly family = 'custom';
  readonly name: string;
  readonly description: string;
  readonly priority: number;
  readonly samples: readonly FormatSample[] = [];
  /** Longer lines are neither detected nor parsed by this format (see MATCH_BUDGET). */
  readonly maxLineLength: number;

  private constructor(
    readonly definition: Readonly<CustomFormatDefinition>,
    private readonly compiled: CompiledPattern,
  ) {
    this.name = `custom-${definition.name}`;
    this.description = `Custom ${definition.kind} format "${definition.name}"`;
    this.priority = definition.priority;
    this.maxLineLength = maxLineLength(compiled);
  }

  /** @throws PatternCompileError when the pattern does not compile. */
  static compile(definition: CustomFormatDefinition): CustomLineFormat {
    return new CustomLineFormat(
      Object.freeze({ ...definition }),
      compilePattern(definition.kind, definition.pattern),
    );
  }

  /** True when the format is pinned to a service or a dataset. */
  get pinned(): boolean {
    return this.definition.service !== null || this.definition.dataset !== null;
  }

  /** True when pinned and every pin it has matches (a format pinned to both needs both). */
  pinnedTo(dataset: string, service: string): boolean {
    const { service: pinService, dataset: pinDataset } = this.definition;
    if (pinService === null && pinDataset === null) return false;
    return (
      (pinService === null || pinService === service) &&
      (pinDataset === null || pinDataset === dataset)
    );
  }

  detect(line: string): boolean {
    if (line.length > this.maxLineLength) return false;
    try {
      return this.compiled.regex.test(line);
    } catch {
      return false;
    }
  }

  parse(line: string, ctx: ParseContext): ParsedFields | null {
    return this.match(line, ctx.receivedAt)?.fields ?? null;
  }

  /** The captures and the resulting fields, or null when the line does not match. */
  match(line: string, receivedAt: number): PatternMatch | null {
    if (line.length > this.maxLineLength) return null;
    try {
      return matchPattern(this.compiled, line, receivedAt);
    } catch {
      return null;
    }
  }
}
