import { Module } from '@nestjs/common';
import { LlamaModule } from '../llama/llama.module';
import { HealthController } from './health.controller';

/** Liveness and readiness of the service and its llama-server. */
@Module({ imports: [LlamaModule], controllers: [HealthController] })
export class HealthModule {}
