import { Injectable } from '@nestjs/common';

import type { PatternAliases } from '../logs/pattern-aliases.port';
import type { ParamStats } from './pattern-accumulator';
import { PatternRepository, type PatternRow } from './pattern.repository';
import { patternTrend, type PatternTrend } from './pattern-trend';
import { PatternsError } from './patterns.errors';
import { PatternsService } from './patterns.service';

const DAY_MS = 86_400_000;
const MAX_PAGE = 500;
const MAX_TEMPLATE = 4096;
const MAX_NAME = 200;

export interface PatternFilter {
  services?: readonly string[] | null;
  from?: Date | null;
  to?: Date | null;
  search?: string | null;
}

export interface PatternSummary extends PatternRow {
  rangeCount: number;
  trend: PatternTrend;
}

export interface PatternPage {
  patterns: PatternSummary[];
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Reads and user decisions on a tenant's pattern catalogue. */
@Injectable()
export class PatternCatalogService implements PatternAliases {
  constructor(
    private readonly repo: PatternRepository,
    private readonly patterns: PatternsService,
  ) {}

  /** Live patterns with their counts over [from, to) (default: the last 24 hours), busiest first. */
  async list(
    tenantId: string,
    filter: PatternFilter,
    first: number,
    after: string | null | undefined,
  ): Promise<PatternPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new PatternsError('INVALID_ARGUMENT', `first must be between 1 and ${MAX_PAGE}`);
    }
    const to = filter.to ?? new Date();
    const from = filter.from ?? new Date(to.getTime() - DAY_MS);
    if (!(from.getTime() < to.getTime())) {
      throw new PatternsError('INVALID_ARGUMENT', 'from must be before to');
    }
    const offset = after == null || after === '' ? 0 : decodeCursor(after);
    await this.patterns.flush();
    const rows = await this.repo.transaction(tenantId, (tx) =>
      this.repo.list(
        tx,
        { services: filter.services ?? undefined, search: filter.search ?? undefined, from, to },
        offset,
        first + 1,
      ),
    );
    const page = rows.slice(0, first).map((r) => ({
      ...r,
      trend: patternTrend(r.firstHalf, r.secondHalf, r.firstSeen.getTime(), from.getTime()),
    }));
    const cursors = page.map((_, i) => encodeCursor(offset + i + 1));
    return {
      patterns: page,
      cursors,
      hasNextPage: rows.length > first,
      endCursor: cursors[cursors.length - 1] ?? null,
    };
  }

  /** Tenants that had records mined since `since`. */
  activeTenants(since: Date): Promise<string[]> {
    return this.repo.activeTenants(since);
  }

  /** A pattern by its id or an old id (alias); null when the tenant has none. */
  async get(tenantId: string, id: string): Promise<PatternRow | null> {
    await this.patterns.flush();
    return this.repo.transaction(tenantId, (tx) => this.repo.find(tx, id));
  }

  async idsOf(tenantId: string, id: string): Promise<string[]> {
    const row = await this.repo.transaction(tenantId, (tx) => this.repo.find(tx, id));
    return row ? [row.id, ...row.aliases] : [id];
  }

  async rename(tenantId: string, id: string, name: string | null): Promise<PatternRow> {
    const trimmed = name?.trim() ?? '';
    if (trimmed.length > MAX_NAME) {
      throw new PatternsError('INVALID_ARGUMENT', `a name has at most ${MAX_NAME} characters`);
    }
    await this.patterns.flush();
    return this.repo.transaction(tenantId, async (tx) => {
      const row = await this.repo.find(tx, id);
      if (!row) throw new PatternsError('PATTERN_NOT_FOUND', `no pattern "${id}"`);
      await this.repo.rename(tx, row.id, trimmed === '' ? null : trimmed);
      return { ...row, name: trimmed === '' ? null : trimmed };
    });
  }

  /** Lines of `from` report `into` from now on; `from`'s counts and examples join `into`'s. */
  async merge(tenantId: string, fromId: string, intoId: string): Promise<PatternRow> {
    await this.patterns.flush();
    const { from, into } = await this.repo.transaction(tenantId, async (tx) => {
      const from = await this.repo.find(tx, fromId);
      const into = await this.repo.find(tx, intoId);
      if (!from) throw new PatternsError('PATTERN_NOT_FOUND', `no pattern "${fromId}"`);
      if (!into) throw new PatternsError('PATTERN_NOT_FOUND', `no pattern "${intoId}"`);
      if (from.id === into.id) {
        throw new PatternsError('INVALID_ARGUMENT', 'a pattern cannot be merged into itself');
      }
      await this.repo.merge(tx, from, into);
      return { from, into };
    });
    await this.patterns.applyMerge(tenantId, from.service, from.id, into.id);
    await this.patterns.announceDecisions(tenantId);
    return (await this.get(tenantId, into.id)) ?? into;
  }

  /**
   * Pins a learned pattern (it keeps its template: it never generalises further and is never
   * evicted), or unpins it. A user pattern or a merge stays pinned.
   */
  async pin(tenantId: string, id: string, pinned: boolean): Promise<PatternRow> {
    await this.patterns.flush();
    const row = await this.repo.transaction(tenantId, async (tx) => {
      const row = await this.repo.find(tx, id);
      if (!row) throw new PatternsError('PATTERN_NOT_FOUND', `no pattern "${id}"`);
      if (!pinned && (row.userDefined || row.mergedInto !== null)) {
        throw new PatternsError(
          'INVALID_ARGUMENT',
          'a pattern written by hand or merged into another stays pinned',
        );
      }
      await this.repo.setPinned(tx, row.id, pinned);
      return { ...row, pinned };
    });
    await this.patterns.applyPin(tenantId, row.service, row.id, pinned);
    await this.patterns.announceDecisions(tenantId);
    return row;
  }

  /** A user pattern (`User <*> logged in`): matching lines get it before any learned one. */
  async create(tenantId: string, service: string, template: string): Promise<PatternRow> {
    const text = template.trim();
    if (text === '' || text.length > MAX_TEMPLATE) {
      throw new PatternsError(
        'INVALID_ARGUMENT',
        `a template has between 1 and ${MAX_TEMPLATE} characters`,
      );
    }
    if (service.length > 256) {
      throw new PatternsError('INVALID_ARGUMENT', 'a service name has at most 256 characters');
    }
    const id = this.patterns.userPatternId(tenantId, service, text);
    await this.repo.transaction(tenantId, (tx) =>
      this.repo.insertUserPattern(tx, service, id, text),
    );
    await this.patterns.applyUserPattern(tenantId, service, id, text);
    await this.patterns.announceDecisions(tenantId);
    const row = await this.get(tenantId, id);
    if (!row) throw new PatternsError('PATTERN_NOT_FOUND', `no pattern "${id}"`);
    return row;
  }
}

/** Parameter statistics as GraphQL shows them: top values by count, numeric summary. */
export function describeParams(stats: readonly ParamStats[]) {
  return stats.map((s, position) => ({
    position,
    values: Object.entries(s.top)
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)),
    otherCount: s.other,
    numeric:
      s.numeric === null
        ? null
        : {
            count: s.numeric.count,
            min: s.numeric.min,
            max: s.numeric.max,
            mean: s.numeric.sum / s.numeric.count,
          },
  }));
}

function encodeCursor(offset: number): string {
  return Buffer.from(`p:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^p:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new PatternsError('INVALID_ARGUMENT', 'invalid cursor');
  return Number(m[1]);
}
