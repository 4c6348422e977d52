import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from './config/config.module';
import { ServerConfig } from './config/server-config';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { OpenAIModule } from './openai/openai.module';

/** The whole service for one `ServerConfig`. */
@Module({})
export class AppModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config.logFormat ?? 'text', config.logLevel),
        MetricsModule,
        OpenAIModule,
        HealthModule,
      ],
    };
  }
}
