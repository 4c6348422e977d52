import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireCommands, runCommand } from './external-command';
import { LlamaCppSource } from './llama-cpp-source';
import { ProvisioningError } from './provisioning-error';

/**
 * CMake options for a CPU llama-server build that works offline: no prebuilt web UI download,
 * no OpenSSL, no tests or examples (per llama.cpp docs/build.md).
 */
export const LLAMA_SERVER_CMAKE_OPTIONS = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
];

/** Where the build of `source` puts its llama-server binary. */
export function builtLlamaServerPath(source: LlamaCppSource): string {
  return join(source.dir, 'build', 'bin', 'llama-server');
}

/** Ninja's progress line prefix, `[n/m]`. */
const NINJA_PROGRESS = /^\[(\d+)\/(\d+)\]/;

/**
 * Builds llama-server from `source` with cmake + ninja, unless the binary is already there.
 * Output goes to `<source>/build/build.log`; ninja's `[n/m]` progress is reported through
 * `onProgress`.
 *
 * @returns absolute path of the llama-server binary
 * @throws ProvisioningError naming missing tools (with the Debian packages to install) or, when
 *   the build fails, the log file and its last lines
 */
export async function buildLlamaServer(
  source: LlamaCppSource,
  onProgress: (done: number, total: number) => void = () => undefined,
  log: (message: string) => void = () => undefined,
): Promise<string> {
  const binary = builtLlamaServerPath(source);
  if (existsSync(binary)) return binary;
  requireCommands(['cmake', 'ninja', 'c++']);
  const buildDir = join(source.dir, 'build');
  const logFile = join(source.dir, 'build.log');
  const logStream = createWriteStream(logFile, { flags: 'w' });
  const onLine = (line: string) => {
    logStream.write(`${line}\n`);
    const progress = NINJA_PROGRESS.exec(line);
    if (progress) onProgress(Number(progress[1]), Number(progress[2]));
  };
  log(`building llama-server ${source.tag} in ${buildDir} (log: ${logFile}); this takes minutes`);
  try {
    await runCommand(
      'cmake',
      ['-S', source.dir, '-B', buildDir, '-G', 'Ninja', ...LLAMA_SERVER_CMAKE_OPTIONS],
      { onLine },
    );
    await runCommand('cmake', ['--build', buildDir, '--target', 'llama-server'], { onLine });
  } catch (error) {
    throw new ProvisioningError(
      `building llama-server failed; full log: ${logFile}\n${(error as Error).message}`,
    );
  } finally {
    await new Promise((resolve) => logStream.end(resolve));
  }
  if (!existsSync(binary)) {
    throw new ProvisioningError(`the build finished but ${binary} is missing; log: ${logFile}`);
  }
  return binary;
}
