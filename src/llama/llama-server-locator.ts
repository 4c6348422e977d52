import { existsSync } from 'node:fs';
import which from 'which';
import { ensureLlamaCppSource } from './llama-cpp-source';
import { buildLlamaCppTarget, builtTargetPath } from './llama-cpp-build';
import { ProvisioningError } from './provisioning-error';

/** Where a llama-server binary was found. */
export type LlamaServerOrigin = 'flag' | 'env' | 'path' | 'cache' | 'build';

export interface LocatedLlamaServer {
  path: string;
  origin: LlamaServerOrigin;
}

export interface LocateOptions {
  /** `--llama-server PATH`. */
  explicitPath?: string;
  /** Environment (reads `LLAMA_SERVER`, `PATH`). */
  env?: NodeJS.ProcessEnv;
  /** Cache root (see `cacheRoot()`). */
  cacheRoot: string;
  /** Whether to build from source when nothing else is found (default true). */
  allowBuild?: boolean;
  log?: (message: string) => void;
  onBuildProgress?: (done: number, total: number) => void;
}

/**
 * Finds a llama-server binary; first match wins: `--llama-server PATH`, env `LLAMA_SERVER`,
 * `llama-server` on `PATH`, the cached build for node-llama-cpp's llama.cpp tag, otherwise a new
 * build from that source (never rebuilt while a cached or user-supplied binary exists).
 *
 * @throws ProvisioningError when an explicit path does not exist, or building is needed but not
 *   allowed or fails
 */
export async function locateLlamaServer(options: LocateOptions): Promise<LocatedLlamaServer> {
  const env = options.env ?? process.env;
  const explicit = checkExplicit(options.explicitPath, '--llama-server', 'flag') ??
    checkExplicit(env.LLAMA_SERVER, 'LLAMA_SERVER', 'env');
  if (explicit) return explicit;
  const onPath = which.sync('llama-server', { nothrow: true, path: env.PATH });
  if (onPath) return { path: onPath, origin: 'path' };
  const source = await ensureLlamaCppSource(options.cacheRoot, options.log);
  const cached = builtTargetPath(source, 'llama-server');
  if (existsSync(cached)) return { path: cached, origin: 'cache' };
  if (options.allowBuild === false) {
    throw new ProvisioningError(
      'no llama-server found (--llama-server, LLAMA_SERVER, PATH, cache); ' +
        'build one with `npm run build:llama-server`',
    );
  }
  const built = await buildLlamaCppTarget(source, 'llama-server', options.onBuildProgress, options.log);
  return { path: built, origin: 'build' };
}

function checkExplicit(
  path: string | undefined,
  from: string,
  origin: LlamaServerOrigin,
): LocatedLlamaServer | undefined {
  if (!path) return undefined;
  if (!existsSync(path)) throw new ProvisioningError(`${from}: no file at ${path}`);
  return { path, origin };
}
