import { Global, Module } from '@nestjs/common';
import { CHAT_OBSERVER } from '../chat/chat-observer';
import { LLAMA_OBSERVER } from '../llama/llama-observer';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics: one `MetricsService` (its own registry) per application, provided as the
 * llama and chat observers, and `GET /metrics`. Global, so any module can inject `MetricsService`
 * (e.g. to report the queue depth).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    MetricsService,
    { provide: LLAMA_OBSERVER, useExisting: MetricsService },
    { provide: CHAT_OBSERVER, useExisting: MetricsService },
  ],
  exports: [MetricsService, LLAMA_OBSERVER, CHAT_OBSERVER],
})
export class MetricsModule {}
