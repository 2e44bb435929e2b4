import { Module } from '@nestjs/common';

import { TenancyModule } from '../../modules/tenancy/tenancy.module';
import { WsSessions } from './ws-sessions';

/** What the graphql-ws server needs: authentication for the life of each connection. */
@Module({ imports: [TenancyModule], providers: [WsSessions], exports: [WsSessions] })
export class GraphqlWsModule {}
