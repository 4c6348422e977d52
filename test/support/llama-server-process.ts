import { readFileSync } from 'node:fs';
import { childPids, CliProcess } from './cli-process';

/** The llama-server a CLI spawned, reached directly (for fault injection and `GET /slots`). */
export interface SpawnedLlamaServer {
  pid: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Headers llama-server expects (its own `LLAMA_API_KEY`, when the service set one). */
  headers: Record<string, string>;
}

/** One slot of llama-server's `GET /slots` (tools/server/README.md), the fields the tests read. */
export interface LlamaSlot {
  id: number;
  is_processing: boolean;
}

/**
 * The llama-server child of `cli`, found through `/proc`: its pid, its `--port` from the command
 * line and its key from the environment.
 */
export function spawnedLlamaServer(cli: CliProcess): SpawnedLlamaServer {
  const [pid] = childPids(cli.process.pid!);
  if (pid === undefined) throw new Error('the service has no llama-server child');
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const port = argv[argv.indexOf('--port') + 1];
  const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const key = environment.find((entry) => entry.startsWith('LLAMA_API_KEY='))?.slice('LLAMA_API_KEY='.length);
  return {
    pid,
    baseUrl: `http://127.0.0.1:${port}`,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  };
}

/** llama-server's `GET /slots`. */
export async function llamaSlots(server: SpawnedLlamaServer): Promise<LlamaSlot[]> {
  const response = await fetch(`${server.baseUrl}/slots`, { headers: server.headers });
  if (!response.ok) throw new Error(`GET /slots answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as LlamaSlot[];
}
