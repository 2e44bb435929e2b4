import {
  Args,
  GraphQLISODateTime,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Subscription,
} from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../tenancy/principal';
import { AlertDeliveryService } from './alert-delivery.service';
import { AlertQueryService } from './alert-query.service';
import {
  AlertFilterInput,
  AlertObject,
  AlertRuleWeightObject,
  AlertStatsObject,
  AlertTimelineEntryObject,
  IncidentObject,
  NotificationObject,
  NotificationStatusValue,
} from './dto/alert.object';

/** Alerts, incidents and notifications: read them, act on them, follow them live. */
@Resolver()
export class AlertingResolver {
  constructor(
    private readonly query: AlertQueryService,
    private readonly delivery: AlertDeliveryService,
  ) {}

  @Query(() => [AlertObject], { description: 'Alerts, most recently changed first' })
  @Authorize('read')
  async alerts(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => AlertFilterInput, nullable: true })
    filter: AlertFilterInput | null,
    @Args('first', { type: () => Int, defaultValue: 100 }) first: number,
  ): Promise<AlertObject[]> {
    return (await this.query.list(principal.tenantId, filter ?? {}, first)).map((r) =>
      AlertObject.from(r),
    );
  }

  @Query(() => [AlertRuleWeightObject], {
    description: 'What "not useful" and "useful" feedback did to a rule, per pattern',
  })
  @Authorize('read')
  alertRuleWeights(
    @CurrentPrincipal() principal: Principal,
    @Args('ruleId', { type: () => ID }) ruleId: string,
  ): Promise<AlertRuleWeightObject[]> {
    return this.query.ruleWeights(principal.tenantId, ruleId);
  }

  @Query(() => AlertObject, { nullable: true })
  @Authorize('read')
  async alert(
    @CurrentPrincipal() principal: Principal,
    @Args('fingerprint', { type: () => ID }) fingerprint: string,
  ): Promise<AlertObject | null> {
    const row = await this.query.get(principal.tenantId, fingerprint);
    return row ? AlertObject.from(row) : null;
  }

  @Query(() => [AlertTimelineEntryObject], {
    description: 'Every state change, notification, acknowledgement and feedback of an alert',
  })
  @Authorize('read')
  async alertTimeline(
    @CurrentPrincipal() principal: Principal,
    @Args('fingerprint', { type: () => ID }) fingerprint: string,
  ): Promise<AlertTimelineEntryObject[]> {
    return (await this.query.timeline(principal.tenantId, fingerprint)).map((r) =>
      AlertTimelineEntryObject.from(r),
    );
  }

  @Query(() => [IncidentObject])
  @Authorize('read')
  async incidents(
    @CurrentPrincipal() principal: Principal,
    @Args('status', { type: () => String, nullable: true }) status: string | null,
    @Args('first', { type: () => Int, defaultValue: 100 }) first: number,
  ): Promise<IncidentObject[]> {
    return (await this.query.incidents(principal.tenantId, status, first)).map((r) =>
      IncidentObject.from(r),
    );
  }

  @Query(() => [NotificationObject], { description: 'Notifications, newest first' })
  @Authorize('read')
  async alertNotifications(
    @CurrentPrincipal() principal: Principal,
    @Args('status', { type: () => NotificationStatusValue, nullable: true })
    status: NotificationStatusValue | null,
    @Args('first', { type: () => Int, defaultValue: 100 }) first: number,
  ): Promise<NotificationObject[]> {
    return (await this.query.notifications(principal.tenantId, status, first)).map((r) =>
      NotificationObject.from(r),
    );
  }

  @Query(() => AlertStatsObject)
  @Authorize('read')
  alertStats(
    @CurrentPrincipal() principal: Principal,
    @Args('from', { type: () => GraphQLISODateTime, nullable: true }) from: Date | null,
  ): Promise<AlertStatsObject> {
    return this.query.stats(principal.tenantId, from);
  }

  @Mutation(() => Int, { description: 'Acknowledges an alert: no repeats, no escalation' })
  @Authorize('write')
  acknowledgeAlert(
    @CurrentPrincipal() principal: Principal,
    @Args('fingerprint', { type: () => ID }) fingerprint: string,
  ): Promise<number> {
    return this.query.acknowledge(principal, { fingerprint });
  }

  @Mutation(() => Int, { description: 'Acknowledges every alert of a notification group' })
  @Authorize('write')
  acknowledgeAlertGroup(
    @CurrentPrincipal() principal: Principal,
    @Args('groupKey') groupKey: string,
  ): Promise<number> {
    return this.query.acknowledge(principal, { groupKey });
  }

  @Mutation(() => Int, { description: 'Acknowledges an incident and its alerts' })
  @Authorize('write')
  acknowledgeIncident(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<number> {
    return this.query.acknowledge(principal, { incidentId: id });
  }

  @Mutation(() => Boolean, { description: 'Resolves an alert by hand (until it fires again)' })
  @Authorize('write')
  resolveAlert(
    @CurrentPrincipal() principal: Principal,
    @Args('fingerprint', { type: () => ID }) fingerprint: string,
  ): Promise<boolean> {
    return this.query.resolve(principal, fingerprint);
  }

  @Mutation(() => Boolean, { description: 'Says whether an alert was useful' })
  @Authorize('write')
  async alertFeedback(
    @CurrentPrincipal() principal: Principal,
    @Args('fingerprint', { type: () => ID }) fingerprint: string,
    @Args('useful') useful: boolean,
  ): Promise<boolean> {
    await this.query.feedback(principal, fingerprint, useful);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Queues a dead notification again' })
  @Authorize('admin')
  retryNotification(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.delivery.retry(principal.tenantId, id);
  }

  @Subscription(() => AlertObject, {
    description: 'Alerts as they change (fire, resolve, are acknowledged...), on any replica',
    filter: (alert: AlertObject | null) => alert !== null,
    resolve: (alert: AlertObject) => alert,
  })
  @Authorize('read')
  alertUpdated(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => AlertFilterInput, nullable: true })
    filter: AlertFilterInput | null,
  ): Promise<AsyncIterableIterator<AlertObject>> {
    return this.query.follow(principal.tenantId, filter ?? {});
  }
}
