import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../../common/auth/current-principal.decorator';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { CurrentOrigin } from '../../../common/auth/request-origin.decorator';
import type { Principal } from '../../tenancy/principal';
import { AlertChannelsService } from './alert-channels.service';
import {
  AlertChannelObject,
  CreateAlertChannelInput,
  CreateAlertChannelPayload,
  DeliveryTestObject,
  UpdateAlertChannelInput,
} from './dto/alert-channel.dto';

/** Alert channels: admins manage and test them; readers see them without secrets. */
@Resolver()
export class AlertChannelsResolver {
  constructor(private readonly channels: AlertChannelsService) {}

  @Query(() => [AlertChannelObject], { description: 'The tenant’s alert channels, by name' })
  @Authorize('read')
  async alertChannels(@CurrentPrincipal() principal: Principal): Promise<AlertChannelObject[]> {
    return (await this.channels.list(principal.tenantId)).map((c) => AlertChannelObject.from(c));
  }

  @Query(() => AlertChannelObject, { nullable: true })
  @Authorize('read')
  async alertChannel(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AlertChannelObject | null> {
    const row = await this.channels.get(principal.tenantId, id);
    return row === null ? null : AlertChannelObject.from(row);
  }

  @Mutation(() => CreateAlertChannelPayload)
  @Authorize('admin')
  async createAlertChannel(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: CreateAlertChannelInput,
  ): Promise<CreateAlertChannelPayload> {
    const { channel, signingSecret } = await this.channels.create(principal, input, origin);
    return Object.assign(new CreateAlertChannelPayload(), {
      channel: AlertChannelObject.from(channel),
      signingSecret,
    });
  }

  @Mutation(() => AlertChannelObject)
  @Authorize('admin')
  async updateAlertChannel(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateAlertChannelInput,
  ): Promise<AlertChannelObject> {
    return AlertChannelObject.from(await this.channels.update(principal, id, input, origin));
  }

  @Mutation(() => Boolean, {
    description: 'False when there was none; refused while rules or policies use it',
  })
  @Authorize('admin')
  deleteAlertChannel(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.channels.delete(principal, id, origin);
  }

  @Mutation(() => DeliveryTestObject, { description: 'Sends a test notification now' })
  @Authorize('admin')
  async testAlertChannel(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DeliveryTestObject> {
    return DeliveryTestObject.from(await this.channels.test(principal, id, origin));
  }
}
