import { ChildProcess, spawn } from 'node:child_process';
import which from 'which';
import { findFreePort } from './free-port';

/**
 * Lifecycle of the spawned llama-server:
 *
 *   idle ─start()─▶ starting ─/health 200─▶ ready ─exit─▶ crashed ─backoff─▶ restarting ─▶ ready
 *                      │                                                          │
 *                      └─exit─▶ failed (start() rejects with its stderr tail)     └─exit─▶ crashed …
 *   any ─stop()─▶ stopping ─▶ stopped
 */
export type SupervisorState =
  | 'idle'
  | 'starting'
  | 'ready'
  | 'crashed'
  | 'restarting'
  | 'failed'
  | 'stopping'
  | 'stopped';

/** How to run llama-server; flag names are llama-server's own (tools/server/README.md). */
export interface SupervisorOptions {
  /** llama-server binary. */
  binary: string;
  /** GGUF model path (`-m`). */
  model: string;
  /** Loopback address llama-server binds (default 127.0.0.1). */
  host?: string;
  /** Arguments appended verbatim after ours (`-c`, `-np`, `-ngl`, `-t`, anything after `--`). */
  args?: string[];
  /** How long to wait for `/health` to answer 200 on each start, in ms. */
  healthTimeoutMs: number;
  /** Restart backoff: first delay and cap, in ms (doubling in between). */
  restartDelayMs?: { initial: number; max: number };
  /** Receives every output line of llama-server (log it at debug level). */
  onOutput?: (line: string) => void;
  /**
   * Extra environment variables of llama-server (e.g. `LLAMA_API_KEY`, kept off its command line
   * and so out of `ps`).
   */
  env?: Record<string, string>;
  /** Told about state changes (for logs and health). */
  onStateChange?: (state: SupervisorState, detail?: string) => void;
}

/** llama-server exited while starting; carries its last stderr lines. */
export class LlamaServerStartError extends Error {
  override readonly name = 'LlamaServerStartError';
  constructor(
    message: string,
    readonly stderrTail: string[],
  ) {
    super(`${message}\n--- last llama-server output ---\n${stderrTail.join('\n')}`);
  }
}

const TAIL_LINES = 30;
const HEALTH_POLL_MS = 200;
const STOP_GRACE_MS = 5000;

/**
 * Spawns and supervises one llama-server on a free loopback port: waits for `/health`, restarts it
 * with exponential backoff when it dies after start-up, and stops it on `stop()` and on any exit of
 * this process. On Linux the child is started through util-linux `setpriv --pdeathsig SIGKILL`, so
 * the kernel kills it even if this process is killed with SIGKILL: no orphan llama-server, ever.
 */
export class LlamaServerSupervisor {
  private child?: ChildProcess;
  private currentState: SupervisorState = 'idle';
  private port = 0;
  private readonly tail: string[] = [];
  private restartTimer?: NodeJS.Timeout;
  private restartDelay: number;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly options: SupervisorOptions) {
    this.restartDelay = options.restartDelayMs?.initial ?? 1000;
  }

  get state(): SupervisorState {
    return this.currentState;
  }

  /** Base URL of the running llama-server, e.g. `http://127.0.0.1:41234`. */
  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** pid of the current llama-server process, if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /**
   * Starts llama-server and resolves once `/health` answers 200.
   *
   * @throws LlamaServerStartError when it exits or does not become healthy within
   *   `healthTimeoutMs` (it is killed then)
   */
  async start(): Promise<void> {
    process.once('exit', this.killOnExit);
    try {
      await this.launch('starting');
    } catch (error) {
      this.setState('failed', (error as Error).message);
      throw error;
    }
  }

  /** Stops llama-server (SIGTERM, then SIGKILL after a grace period) and cancels restarts. */
  async stop(): Promise<void> {
    this.setState('stopping');
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', this.killOnExit);
    this.setState('stopped');
  }

  private async launch(state: 'starting' | 'restarting'): Promise<void> {
    this.setState(state);
    this.port = await findFreePort(this.host);
    this.tail.length = 0;
    const args = ['-m', this.options.model, '--host', this.host, '--port', String(this.port)];
    const child = this.spawnChild([...args, ...(this.options.args ?? [])]);
    this.child = child;
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
      child.once('error', (error) => resolve(error.message));
    });
    const outcome = await Promise.race([
      this.waitHealthy(child).then(() => 'healthy' as const),
      exited.then((how) => ({ exited: how })),
    ]);
    if (outcome !== 'healthy') {
      throw new LlamaServerStartError(`llama-server exited during start-up (${outcome.exited})`, [
        ...this.tail,
      ]);
    }
    this.restartDelay = this.options.restartDelayMs?.initial ?? 1000;
    this.setState('ready');
    void exited.then((how) => this.onUnexpectedExit(child, how));
  }

  private spawnChild(args: string[]): ChildProcess {
    const setpriv = process.platform === 'linux' ? which.sync('setpriv', { nothrow: true }) : null;
    const [command, argv] = setpriv
      ? [setpriv, ['--pdeathsig', 'KILL', '--', this.options.binary, ...args]]
      : [this.options.binary, args];
    const child = spawn(command, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.options.env },
    });
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line === '') continue;
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        this.options.onOutput?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    return child;
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + this.options.healthTimeoutMs;
    while (child.exitCode === null && child.signalCode === null) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new LlamaServerStartError(
          `llama-server did not become healthy within ${this.options.healthTimeoutMs} ms`,
          [...this.tail],
        );
      }
      try {
        const response = await fetch(`${this.baseUrl}/health`);
        if (response.ok) return;
      } catch {
        // not listening yet: poll again
      }
      await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
    }
  }

  private onUnexpectedExit(child: ChildProcess, how: string): void {
    if (this.child !== child || this.currentState === 'stopping' || this.currentState === 'stopped') {
      return;
    }
    this.setState('crashed', `llama-server exited (${how}); restarting in ${this.restartDelay} ms`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelay;
    this.restartDelay = Math.min(delay * 2, this.options.restartDelayMs?.max ?? 30000);
    this.restartTimer = setTimeout(() => {
      this.launch('restarting').catch((error: Error) => {
        if (this.currentState === 'stopping' || this.currentState === 'stopped') return;
        this.setState('crashed', `restart failed: ${error.message}`);
        this.scheduleRestart();
      });
    }, delay);
  }

  private setState(state: SupervisorState, detail?: string): void {
    this.currentState = state;
    this.options.onStateChange?.(state, detail);
  }
}
