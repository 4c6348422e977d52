import { Module } from '@nestjs/common';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { MetricsService } from '../metrics/metrics.service';
import { LlamaClient } from './llama-client';
import { LLAMA_OBSERVER, LlamaObserver } from './llama-observer';
import { LlamaServerService } from './llama-server.service';
import { LlamaSlotsService } from './llama-slots.service';
import { SlotScheduler } from './slot-scheduler';

/** llama-server: provisioning, process supervision, slot scheduling and the `/completion` client. */
@Module({
  providers: [
    LlamaServerService,
    {
      provide: SlotScheduler,
      useFactory: (config: ServerConfig, metrics?: MetricsService) =>
        new SlotScheduler({
          slots: config.parallel ?? 1,
          queueSize: config.queueSize,
          onQueueChange: (waiting) => metrics?.setQueueDepth(waiting),
        }),
      inject: [SERVER_CONFIG, { token: MetricsService, optional: true }],
    },
    {
      provide: LlamaClient,
      useFactory: (
        upstream: LlamaServerService,
        slots: SlotScheduler,
        config: ServerConfig,
        observer?: LlamaObserver,
      ) => new LlamaClient(upstream, { slots, timeoutMs: config.timeoutMs, observer }),
      inject: [LlamaServerService, SlotScheduler, SERVER_CONFIG, { token: LLAMA_OBSERVER, optional: true }],
    },
    LlamaSlotsService,
  ],
  exports: [LlamaServerService, LlamaClient, SlotScheduler],
})
export class LlamaModule {}
