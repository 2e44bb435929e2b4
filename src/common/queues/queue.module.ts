import { Global, Module } from '@nestjs/common';

import { QueueService } from './queue.service';

/** BullMQ queues and in-process workers; any module injects `QueueService` to register one. */
@Global()
@Module({ providers: [QueueService], exports: [QueueService] })
export class QueueModule {}
