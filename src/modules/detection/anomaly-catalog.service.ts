import { Injectable } from '@nestjs/common';

import type { LiveSubscription } from '../../common/pubsub/live-subscription';
import { type AnomalyEvent, AnomalyEvents } from './anomaly-events.service';
import {
  type AnomalyPosition,
  type AnomalyQuery,
  AnomalyRepository,
  type AnomalyRow,
} from './anomaly.repository';
import { DetectionError } from './detection.errors';

/** A filter as callers give it (GraphQL's AnomalyFilter). */
export interface AnomalyFilter {
  from?: Date | null;
  to?: Date | null;
  services?: readonly string[] | null;
  kinds?: readonly string[] | null;
  minScore?: number | null;
  status?: 'open' | 'resolved' | null;
}

export interface AnomalyPage {
  anomalies: AnomalyRow[];
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const MAX_PAGE = 500;

/** Reads anomalies (pages, one by id) and opens live feeds of their changes, per tenant. */
@Injectable()
export class AnomalyCatalogService {
  constructor(
    private readonly repo: AnomalyRepository,
    private readonly events: AnomalyEvents,
  ) {}

  async list(
    tenantId: string,
    filter: AnomalyFilter,
    first: number,
    after: string | null,
  ): Promise<AnomalyPage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
      throw new DetectionError(
        'INVALID_ARGUMENT',
        `first must be an integer from 0 to ${MAX_PAGE}`,
      );
    }
    const position = after === null ? undefined : decodeCursor(after);
    const rows = await this.repo.list(tenantId, toQuery(filter), first + 1, position);
    const anomalies = rows.slice(0, first);
    const cursors = anomalies.map((a) => encodeCursor({ startedAt: a.startedAt, id: a.id }));
    return {
      anomalies,
      cursors,
      hasNextPage: rows.length > first,
      endCursor: cursors[cursors.length - 1] ?? null,
    };
  }

  get(tenantId: string, id: string): Promise<AnomalyRow | null> {
    return this.repo.find(tenantId, id);
  }

  /** Changes of the tenant's anomalies that match (time bounds do not apply to a live feed). */
  subscribe(tenantId: string, filter: AnomalyFilter): Promise<LiveSubscription<AnomalyEvent>> {
    const q = toQuery({ ...filter, from: null, to: null });
    const services = q.services ? new Set(q.services) : null;
    const kinds = q.kinds ? new Set(q.kinds) : null;
    return this.events.subscribe(
      tenantId,
      ({ anomaly: a }) =>
        (services === null || services.has(a.service)) &&
        (kinds === null || a.kinds.some((k) => kinds.has(k))) &&
        (q.minScore === undefined || a.score >= q.minScore) &&
        (q.status === undefined || a.status === q.status),
    );
  }
}

function toQuery(f: AnomalyFilter): AnomalyQuery {
  const q: AnomalyQuery = {};
  if (f.from) q.from = validDate(f.from, 'from');
  if (f.to) q.to = validDate(f.to, 'to');
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
    throw new DetectionError('INVALID_ARGUMENT', 'from must not be after to');
  }
  if (f.services?.length) q.services = [...f.services];
  if (f.kinds?.length) q.kinds = [...f.kinds];
  if (f.minScore !== null && f.minScore !== undefined) {
    if (!(f.minScore >= 0 && f.minScore <= 1)) {
      throw new DetectionError('INVALID_ARGUMENT', 'minScore must be in [0, 1]');
    }
    q.minScore = f.minScore;
  }
  if (f.status) q.status = f.status;
  return q;
}

function validDate(d: Date, name: string): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new DetectionError('INVALID_ARGUMENT', `${name} is not a date`);
  return ms;
}

function encodeCursor(p: AnomalyPosition): string {
  return Buffer.from(`a:${p.startedAt}:${p.id}`).toString('base64url');
}

function decodeCursor(cursor: string): AnomalyPosition {
  const m = /^a:(\d{1,15}):([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!m) throw new DetectionError('INVALID_ARGUMENT', 'invalid cursor');
  return { startedAt: Number(m[1]), id: m[2] as string };
}
