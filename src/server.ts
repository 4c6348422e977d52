import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { Logger } from 'nestjs-pino';
import { registerApiKeyAuth } from './auth/api-key-auth';
import { ApiKeyVerifier } from './auth/api-keys';
import { ServerConfig } from './config/server-config';
import { requestLimitsOf } from './limits/request-limits';
import { registerRequestIdHeader, requestIdOf } from './logging/request-id';
import { registerHttpMetrics } from './metrics/http-metrics.hook';
import { MetricsService } from './metrics/metrics.service';
import { registerSse } from './openai/sse';

/**
 * Builds and starts the service for `config`: spawns (or connects to) llama-server, loads the
 * model, and listens on `config.host:config.port`. Resolves once it accepts requests. Every
 * request gets an id (`x-request-id`, echoed), is counted in the metrics and, with API keys
 * configured, must carry one (401 otherwise, `/health` excepted); logs go through pino.
 *
 * @throws LlamaServerStartError / ProvisioningError when llama-server cannot be started
 */
export async function startServer(config: ServerConfig): Promise<NestFastifyApplication> {
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config),
      new FastifyAdapter({ bodyLimit: requestLimitsOf(config).maxBodyBytes, genReqId: requestIdOf }),
      { bufferLogs: true, abortOnError: false },
    );
  } catch (error) {
    // no pino logger yet: what was buffered (and what the caller logs next) goes to Nest's console
    NestLogger.flush();
    throw error;
  }
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestIdHeader(fastify);
  registerHttpMetrics(fastify, app.get(MetricsService));
  registerApiKeyAuth(fastify, new ApiKeyVerifier(config.apiKeys ?? []));
  await registerSse(fastify);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
