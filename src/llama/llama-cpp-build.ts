import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireCommands, runCommand } from './external-command';
import { LlamaCppSource } from './llama-cpp-source';
import { ProvisioningError } from './provisioning-error';

/**
 * CMake options of the one cached llama.cpp build: CPU, works offline (no prebuilt web UI download,
 * no OpenSSL, no examples; per llama.cpp docs/build.md). Tests are configured (not built) so that
 * `test-gbnf-validator`, which the test suite uses, builds in the same tree without reconfiguring
 * and recompiling the libraries llama-server links.
 */
export const LLAMA_CPP_CMAKE_OPTIONS = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_TESTS=ON',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
];

/** Ninja's progress line prefix, `[n/m]`. */
const NINJA_PROGRESS = /^\[(\d+)\/(\d+)\]/;

/** Where the cached build of `source` puts the binary of `target`. */
export function builtTargetPath(source: LlamaCppSource, target: string): string {
  return join(source.dir, 'build', 'bin', target);
}

/**
 * Builds one llama.cpp CMake target (`llama-server`, `test-gbnf-validator`, …) in the cached build
 * directory `<source>/build` with cmake + ninja, unless its binary is already there. Output goes to
 * `<source>/build-<target>.log`; ninja's `[n/m]` progress is reported through `onProgress`.
 *
 * @returns absolute path of the binary
 * @throws ProvisioningError naming missing tools (with the Debian packages to install) or, when
 *   the build fails, the log file and its last lines
 */
export async function buildLlamaCppTarget(
  source: LlamaCppSource,
  target: string,
  onProgress: (done: number, total: number) => void = () => undefined,
  log: (message: string) => void = () => undefined,
): Promise<string> {
  const binary = builtTargetPath(source, target);
  if (existsSync(binary)) return binary;
  requireCommands(['cmake', 'ninja', 'c++']);
  const buildDir = join(source.dir, 'build');
  const logFile = join(source.dir, `build-${target}.log`);
  const logStream = createWriteStream(logFile, { flags: 'w' });
  const onLine = (line: string) => {
    logStream.write(`${line}\n`);
    const progress = NINJA_PROGRESS.exec(line);
    if (progress) onProgress(Number(progress[1]), Number(progress[2]));
  };
  log(`building ${target} ${source.tag} in ${buildDir} (log: ${logFile}); this takes minutes`);
  try {
    await runCommand('cmake', ['-S', source.dir, '-B', buildDir, '-G', 'Ninja', ...LLAMA_CPP_CMAKE_OPTIONS], {
      onLine,
    });
    await runCommand('cmake', ['--build', buildDir, '--target', target], { onLine });
  } catch (error) {
    throw new ProvisioningError(`building ${target} failed; full log: ${logFile}\n${(error as Error).message}`);
  } finally {
    await new Promise((resolve) => logStream.end(resolve));
  }
  if (!existsSync(binary)) {
    throw new ProvisioningError(`the build finished but ${binary} is missing; log: ${logFile}`);
  }
  return binary;
}
