import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { LOG_LEVELS, ServerConfig } from './config/server-config';
import { registerSse } from './openai/sse';

/**
 * Builds and starts the service for `config`: spawns (or connects to) llama-server, loads the
 * model, and listens on `config.host:config.port`. Resolves once it accepts requests.
 *
 * @throws LlamaServerStartError / ProvisioningError when llama-server cannot be started
 */
export async function startServer(config: ServerConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: 16 * 1024 * 1024 }),
    {
      logger: [...LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1)],
      abortOnError: false,
    },
  );
  await registerSse(app.getHttpAdapter().getInstance());
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
