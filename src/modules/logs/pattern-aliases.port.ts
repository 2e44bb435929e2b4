/**
 * Every id a pattern's records may carry: its current id and its aliases (ids it had before its
 * template generalised, patterns merged into it). Provided by the patterns module; the log search
 * uses it so `LogFilter.patternId` finds records stored under an older id.
 */
export abstract class PatternAliases {
  /** `[id]` when the pattern is unknown. */
  abstract idsOf(tenantId: string, id: string): Promise<string[]>;
}
