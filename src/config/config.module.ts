import { DynamicModule, Global, Module } from '@nestjs/common';
import { SERVER_CONFIG, ServerConfig } from './server-config';

/** Provides the one `ServerConfig` (token `SERVER_CONFIG`) to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: SERVER_CONFIG, useValue: config }],
      exports: [SERVER_CONFIG],
    };
  }
}
