import { RemediationError } from '../remediation.errors';
import type { RunRow } from './run.repository';

/** Where a page of runs continues: after this run (newest first). */
export function encodeRunCursor(run: Pick<RunRow, 'createdAt' | 'id'>): string {
  return Buffer.from(`r:${run.createdAt.toISOString()}:${run.id}`).toString('base64url');
}

export function decodeRunCursor(cursor: string): { createdAt: Date; id: string } {
  const m = /^r:(\d{4}-\d\d-\d\dT[\d:.]+Z):([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!m) throw new RemediationError('INVALID_ARGUMENT', 'invalid cursor');
  return { createdAt: new Date(m[1]!), id: m[2]! };
}
