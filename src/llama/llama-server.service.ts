import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { llamaServerArgs, SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { UpstreamLocation } from './llama-client';
import { locateLlamaServer } from './llama-server-locator';
import { LlamaServerSupervisor, SupervisorState } from './llama-server-supervisor';

/** What `/health` reports about llama-server. */
export interface UpstreamStatus {
  mode: 'spawned' | 'endpoint';
  state: SupervisorState | 'external';
  ready: boolean;
}

/**
 * Owns the llama-server this service talks to: with `--endpoint`, an already running one; otherwise
 * one it locates (or builds), spawns in `onModuleInit` and stops in `beforeApplicationShutdown`.
 */
@Injectable()
export class LlamaServerService implements UpstreamLocation, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('llama-server');
  private supervisor?: LlamaServerSupervisor;

  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  async onModuleInit(): Promise<void> {
    if (this.config.endpoint) {
      this.logger.log(`using llama-server at ${this.config.endpoint}`);
      return;
    }
    if (!this.config.model) throw new Error('--model is required unless --endpoint is given');
    const located = await locateLlamaServer({
      explicitPath: this.config.llamaServer,
      cacheRoot: this.config.cacheDir,
      log: (message) => this.logger.log(message),
      onBuildProgress: (done, total) => this.logger.log(`build [${done}/${total}]`),
    });
    this.logger.log(`binary ${located.path} (from ${located.origin})`);
    this.supervisor = new LlamaServerSupervisor({
      binary: located.path,
      model: this.config.model,
      args: llamaServerArgs(this.config),
      healthTimeoutMs: this.config.healthTimeoutMs,
      onOutput: (line) => this.logger.debug(line),
      onStateChange: (state, detail) =>
        state === 'crashed' ? this.logger.error(detail) : this.logger.log(`${state}${detail ? `: ${detail}` : ''}`),
    });
    await this.supervisor.start();
    this.logger.log(`ready at ${this.supervisor.baseUrl} (pid ${this.supervisor.pid})`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.supervisor?.stop();
  }

  baseUrl(): string {
    return this.config.endpoint?.replace(/\/+$/, '') ?? this.requireSupervisor().baseUrl;
  }

  isReady(): boolean {
    return this.supervisor ? this.supervisor.state === 'ready' : true;
  }

  status(): UpstreamStatus {
    if (!this.supervisor) return { mode: 'endpoint', state: 'external', ready: true };
    return { mode: 'spawned', state: this.supervisor.state, ready: this.isReady() };
  }

  private requireSupervisor(): LlamaServerSupervisor {
    if (!this.supervisor) throw new Error('llama-server has not been started');
    return this.supervisor;
  }
}
