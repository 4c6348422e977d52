import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { findFreePort } from '../../src/llama/free-port';
import { testAssets } from './test-assets';

/** A `llama-tools-server` CLI started as a child process. */
export interface CliProcess {
  process: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `llama-tools-server <args>` (compiled CLI) with `--port` set to a free port (before a `--`,
 * whose arguments go to llama-server).
 */
export async function spawnCli(args: string[]): Promise<CliProcess> {
  const port = await findFreePort('127.0.0.1');
  const separator = args.includes('--') ? args.indexOf('--') : args.length;
  const argv = [...args.slice(0, separator), '--port', String(port), ...args.slice(separator)];
  const child = spawn(process.execPath, [testAssets().cli, ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, port, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Kills the CLI with `signal` (SIGKILL by default) unless it has already exited; resolves once it has. */
export async function stopCli(cli: CliProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!cli || cli.process.exitCode !== null || cli.process.signalCode !== null) return;
  cli.process.kill(signal);
  await cli.exited;
}

/** `POST <baseUrl><path>` with a JSON body; the status and the parsed JSON answer. */
export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Polls `GET /health` until it answers 200; throws with the CLI's output on exit or timeout. */
export async function waitHealthy(cli: CliProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void cli.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline && !exitedEarly) {
    if (await isHealthy(cli.baseUrl)) return;
    await sleep(200);
  }
  throw new Error(`the service did not become healthy:\n${cli.output()}`);
}

/** True when `GET /health` answers 200. */
export async function isHealthy(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/health`)).ok;
  } catch {
    return false;
  }
}

/** Starts the CLI with `serve <args>` and waits until it is healthy. */
export async function startServe(args: string[]): Promise<CliProcess> {
  const cli = await spawnCli(['serve', ...args]);
  await waitHealthy(cli);
  return cli;
}

/** pids of a process's direct children (Linux `/proc/<pid>/task/<tid>/children`). */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until `predicate` holds, polling every 100 ms; throws `message` after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(100);
  }
  throw new Error(message);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
