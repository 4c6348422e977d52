import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { llamaServerArgs, SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { UpstreamLocation } from './llama-client';
import { LLAMA_OBSERVER, LlamaObserver } from './llama-observer';
import { locateLlamaServer } from './llama-server-locator';
import { LlamaServerSupervisor, SupervisorState } from './llama-server-supervisor';

/** Injection token: the name a llama-server instance logs under (default `llama-server`). */
export const LLAMA_SERVER_NAME = Symbol('LlamaServerName');

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
  private readonly logger: Logger;
  private supervisor?: LlamaServerSupervisor;

  /** Key of the spawned llama-server (random per service), sent by the client. */
  private readonly spawnedKey = randomBytes(32).toString('base64url');

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Optional() @Inject(LLAMA_OBSERVER) private readonly observer?: LlamaObserver,
    @Optional() @Inject(LLAMA_SERVER_NAME) name: string = 'llama-server',
  ) {
    this.logger = new Logger(name);
  }

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
      env: { LLAMA_API_KEY: this.spawnedKey },
      onStateChange: (state, detail) => {
        this.observer?.upstreamStateChanged(state);
        if (state === 'crashed') this.logger.error(detail);
        else this.logger.log(`${state}${detail ? `: ${detail}` : ''}`);
      },
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

  /** The key llama-server expects: `--endpoint-api-key` with `--endpoint`, else the spawned one's own. */
  apiKey(): string | undefined {
    return this.config.endpoint ? this.config.endpointApiKey : this.spawnedKey;
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
