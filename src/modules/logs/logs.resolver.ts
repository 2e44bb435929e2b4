import {
  Args,
  Extensions,
  Float,
  Int,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';

import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { Authorize } from '../../common/auth/authorize.decorator';
import type { Principal } from '../tenancy/principal';
import {
  FacetBucketObject,
  HistogramBucketObject,
  LogConnectionObject,
} from './dto/log-connection.object';
import { LogFilterInput } from './dto/log-filter.input';
import { LogRecordObject } from './dto/log-record.object';
import type { LogRecord } from './log-record';
import { LogSearchService } from './log-search.service';
import { LiveTailService } from './live-tail.service';
import { compileQueryMatcher } from './query/query-matcher';

@Resolver(() => LogConnectionObject)
export class LogsResolver {
  constructor(
    private readonly search: LogSearchService,
    private readonly tail: LiveTailService,
  ) {}

  @Query(() => LogConnectionObject, {
    description: 'Log records matching the filter, newest first',
  })
  @Authorize('read')
  async logs(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: LogFilterInput,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<LogConnectionObject> {
    const page = await this.search.search(principal.tenantId, filter, first, after);
    const connection = new LogConnectionObject();
    connection.edges = page.records.map((r, i) => ({
      cursor: page.cursors[i] as string,
      node: LogRecordObject.from(r),
    }));
    connection.pageInfo = { hasNextPage: page.hasNextPage, endCursor: page.endCursor };
    connection.tenantId = principal.tenantId;
    connection.filter = filter;
    return connection;
  }

  @ResolveField(() => Float, {
    description: 'How many records match the filter (counted on request)',
  })
  // A count scans the matching rows; the query cost limit weighs it accordingly.
  @Extensions({ cost: 100 })
  @Authorize('read')
  totalCount(@Parent() connection: LogConnectionObject): Promise<number> {
    return this.search.count(connection.tenantId, connection.filter);
  }

  @Query(() => [HistogramBucketObject], {
    description: 'Record counts per time bucket ("1m", "1h", ...)',
  })
  @Authorize('read')
  async logHistogram(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: LogFilterInput,
    @Args('interval') interval: string,
  ): Promise<HistogramBucketObject[]> {
    const points = await this.search.histogram(principal.tenantId, filter, interval);
    return points.map((p) => ({ start: new Date(p.start), count: p.count }));
  }

  @Query(() => [FacetBucketObject], {
    description:
      'Most frequent values of a field: service, level, host, dataset, format, traceId, category or any attribute',
  })
  @Authorize('read')
  logFacets(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: LogFilterInput,
    @Args('field') field: string,
    @Args('size', { type: () => Int, nullable: true, defaultValue: 10 }) size: number,
  ): Promise<FacetBucketObject[]> {
    return this.search.facets(principal.tenantId, filter, field, size);
  }

  @Subscription(() => LogRecordObject, {
    description: 'Records as they are stored, filtered (time bounds are ignored)',
    resolve: (record: LogRecord) => LogRecordObject.from(record),
  })
  @Authorize('read')
  async logTail(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: LogFilterInput,
    @Args('backfill', {
      type: () => Int,
      nullable: true,
      defaultValue: 0,
      description:
        'Stored records to send first (the newest n matching, oldest first), read once from the log store; then live records',
    })
    backfill: number,
  ): Promise<AsyncIterableIterator<LogRecord>> {
    const spec = this.search.toSpec(principal.tenantId, { ...filter, from: null, to: null });
    const matchesQuery = compileQueryMatcher(spec.query);
    const services = spec.services ? new Set(spec.services) : null;
    const levels = spec.levels ? new Set(spec.levels) : null;
    const traceId = spec.traceId ?? null;
    const patternIds = spec.patternIds ? new Set(spec.patternIds) : null;
    // Subscribed before the backfill is read, so that nothing stored in between is missed.
    const sub = await this.tail.subscribe(
      principal.tenantId,
      (r) =>
        (services === null || services.has(r.service)) &&
        (levels === null || levels.has(r.severityText)) &&
        (traceId === null || r.traceId === traceId) &&
        (patternIds === null || patternIds.has(r.patternId ?? '')) &&
        matchesQuery(r),
    );
    try {
      sub.prepend(
        await this.search.recent(
          principal.tenantId,
          { ...filter, from: null, to: null },
          backfill ?? 0,
        ),
      );
    } catch (err) {
      sub.close();
      throw err;
    }
    return sub;
  }
}
