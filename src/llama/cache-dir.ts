import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Root of llama-tools-server's cache, outside any work tree: the node-llama-cpp tarball, the
 * llama.cpp source clone and its llama-server build (keyed by llama.cpp tag), generated demo models.
 *
 * `LLAMA_TOOLS_SERVER_CACHE` wins; otherwise `$XDG_CACHE_HOME/llama-tools-server`, falling back to
 * `~/.cache/llama-tools-server` (per the XDG Base Directory specification).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LLAMA_TOOLS_SERVER_CACHE) return env.LLAMA_TOOLS_SERVER_CACHE;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'llama-tools-server');
}
