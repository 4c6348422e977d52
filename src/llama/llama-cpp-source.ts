import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import { requireCommands, runCommand } from './external-command';
import { ProvisioningError } from './provisioning-error';

/**
 * The npm package whose tarball ships llama.cpp's full source as a git bundle
 * (`llama/gitRelease.bundle`, tag in `llama/llama.cpp.info.json`). It is fetched with
 * `npm pack` into the cache, never installed: installed, it pulls hundreds of MB of binaries.
 */
export const NODE_LLAMA_CPP_VERSION = '3.22.1';

/** A llama.cpp source checkout in the cache. */
export interface LlamaCppSource {
  /** llama.cpp release tag, the cache key of everything built from it. */
  tag: string;
  /** Absolute path of the checkout (holds `tools/server`, `models/`, `common/`, …). */
  dir: string;
}

interface LlamaCppInfo {
  tag: string;
}

const BUNDLE_ENTRY = 'package/llama/gitRelease.bundle';
const INFO_ENTRY = 'package/llama/llama.cpp.info.json';

/** Directory of the llama.cpp checkout for `tag` under the cache root. */
export function llamaCppSourceDir(root: string, tag: string): string {
  return join(root, `llama.cpp-${tag}`);
}

/**
 * Ensures the llama.cpp source shipped in node-llama-cpp is checked out in the cache:
 * `npm pack node-llama-cpp@VERSION` (once), extract the bundle, `git clone` it (once per tag).
 * Idempotent and safe to interrupt (each step writes to a temporary path, then renames).
 *
 * @param root cache root (see `cacheRoot()`)
 * @param log progress messages for a person
 * @throws ProvisioningError when npm or git is missing or a step fails
 */
export async function ensureLlamaCppSource(
  root: string,
  log: (message: string) => void = () => undefined,
): Promise<LlamaCppSource> {
  const unpacked = join(root, `node-llama-cpp-${NODE_LLAMA_CPP_VERSION}`);
  if (!existsSync(join(unpacked, INFO_ENTRY))) {
    await unpackNodeLlamaCpp(root, unpacked, log);
  }
  const info = JSON.parse(await readFile(join(unpacked, INFO_ENTRY), 'utf8')) as LlamaCppInfo;
  if (typeof info.tag !== 'string' || info.tag === '') {
    throw new ProvisioningError(`no llama.cpp tag in ${join(unpacked, INFO_ENTRY)}`);
  }
  const dir = llamaCppSourceDir(root, info.tag);
  if (!existsSync(join(dir, 'CMakeLists.txt'))) {
    requireCommands(['git']);
    log(`cloning llama.cpp ${info.tag} from the node-llama-cpp bundle into ${dir}`);
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    await runCommand('git', ['clone', '--quiet', join(unpacked, BUNDLE_ENTRY), partial]);
    await rename(partial, dir);
  }
  return { tag: info.tag, dir };
}

async function unpackNodeLlamaCpp(
  root: string,
  unpacked: string,
  log: (message: string) => void,
): Promise<void> {
  requireCommands(['npm']);
  await mkdir(root, { recursive: true });
  const tarball = join(root, `node-llama-cpp-${NODE_LLAMA_CPP_VERSION}.tgz`);
  if (!existsSync(tarball)) {
    log(`fetching node-llama-cpp@${NODE_LLAMA_CPP_VERSION} (llama.cpp source, ~35 MB) with npm pack`);
    await runCommand('npm', [
      'pack',
      `node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`,
      '--pack-destination',
      root,
    ]);
  }
  const partial = `${unpacked}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await tar.extract({ file: tarball, cwd: partial }, [BUNDLE_ENTRY, INFO_ENTRY]);
  await rm(unpacked, { recursive: true, force: true });
  await rename(partial, unpacked);
}
