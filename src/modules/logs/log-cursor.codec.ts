import { createHmac, timingSafeEqual } from 'node:crypto';

import type { LogRecord } from './log-record';
import type { LogCursor } from './log-store.port';
import { LogsError } from './logs.errors';

const MAC_BYTES = 16;
const MAX_CURSOR_LENGTH = 256;

/**
 * Pagination cursors that cannot be edited or carried to another tenant: the position
 * (timestamp and id) plus an HMAC over it and the tenant id, under a key from configuration.
 * Form: `<base64url position>.<base64url mac>`.
 */
export class LogCursorCodec {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('the cursor key must have at least 32 bytes');
  }

  encode(tenantId: string, record: Pick<LogRecord, 'timestamp' | 'id'>): string {
    const position = Buffer.from(`${record.timestamp}:${record.id}`).toString('base64url');
    return `${position}.${this.mac(tenantId, position).toString('base64url')}`;
  }

  /** The position of a cursor this codec issued for `tenantId`; anything else is INVALID_CURSOR. */
  decode(tenantId: string, cursor: string): LogCursor {
    const refused = new LogsError(
      'INVALID_CURSOR',
      'cursor was not issued by this API for this tenant (edited, expired by a key rotation, or from another tenant); start again without `after`',
    );
    if (cursor.length > MAX_CURSOR_LENGTH) throw refused;
    const dot = cursor.indexOf('.');
    if (dot <= 0) throw refused;
    const position = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = this.mac(tenantId, position);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused;
    const m = /^(\d{1,16}):([0-9a-f-]{36})$/.exec(Buffer.from(position, 'base64url').toString());
    if (!m) throw refused;
    return { timestamp: Number(m[1]), id: m[2] as string };
  }

  private mac(tenantId: string, position: string): Buffer {
    return createHmac('sha256', this.key)
      .update(`logs:${tenantId}:${position}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
