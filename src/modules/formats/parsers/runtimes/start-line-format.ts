import type { LineFormat } from '../../log-format';

/**
 * A line format whose records span lines that `detect` rejects and the registry's stack-trace
 * rules do not recognise (PostgreSQL's DETAIL/STATEMENT lines, a slow-log entry's
 * `# Query_time:` and statement, JUL's `LEVEL: message` line, zap's Go stack, a Rails backtrace):
 * with `startLine` set, a stream settled on it joins every rejected line onto the record before it.
 */
// TODO(#4): plain LineFormat once log-format.ts declares `startLine` (formats core branch).
export type StartLineFormat = LineFormat & { readonly startLine?: boolean };
