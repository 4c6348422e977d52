import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireCommands, runCommand } from './external-command';
import { LlamaCppSource } from './llama-cpp-source';
import { LLAMA_SERVER_CMAKE_OPTIONS } from './llama-server-build';
import { ProvisioningError } from './provisioning-error';

/** The llama-server CMake options with llama.cpp's tests switched on (`-DLLAMA_BUILD_TESTS=ON`). */
export const GBNF_VALIDATOR_CMAKE_OPTIONS = [
  ...LLAMA_SERVER_CMAKE_OPTIONS.filter((option) => !option.startsWith('-DLLAMA_BUILD_TESTS=')),
  '-DLLAMA_BUILD_TESTS=ON',
];

/** Where the build of `source` puts llama.cpp's `test-gbnf-validator` binary. */
export function builtGbnfValidatorPath(source: LlamaCppSource): string {
  return join(source.dir, 'build', 'bin', 'test-gbnf-validator');
}

const NINJA_PROGRESS = /^\[(\d+)\/(\d+)\]/;

/**
 * Builds llama.cpp's `test-gbnf-validator` (tests/test-gbnf-validator.cpp: `<binary> <grammar-file>
 * <input-file>` prints whether llama.cpp's own GBNF engine accepts the input) from `source`, in the
 * same cached build directory as llama-server (`<source>/build`), configured with the llama-server
 * options plus `-DLLAMA_BUILD_TESTS=ON`, building only that target. Never rebuilt while the binary
 * exists. Output goes to `<source>/build-gbnf-validator.log`.
 *
 * @returns absolute path of the binary
 * @throws ProvisioningError naming missing tools, or the log file and its last lines when the
 *   build fails
 */
export async function buildGbnfValidator(
  source: LlamaCppSource,
  onProgress: (done: number, total: number) => void = () => undefined,
  log: (message: string) => void = () => undefined,
): Promise<string> {
  const binary = builtGbnfValidatorPath(source);
  if (existsSync(binary)) return binary;
  requireCommands(['cmake', 'ninja', 'c++']);
  const buildDir = join(source.dir, 'build');
  const logFile = join(source.dir, 'build-gbnf-validator.log');
  const logStream = createWriteStream(logFile, { flags: 'w' });
  const onLine = (line: string) => {
    logStream.write(`${line}\n`);
    const progress = NINJA_PROGRESS.exec(line);
    if (progress) onProgress(Number(progress[1]), Number(progress[2]));
  };
  log(`building test-gbnf-validator ${source.tag} in ${buildDir} (log: ${logFile})`);
  try {
    await runCommand(
      'cmake',
      ['-S', source.dir, '-B', buildDir, '-G', 'Ninja', ...GBNF_VALIDATOR_CMAKE_OPTIONS],
      { onLine },
    );
    await runCommand('cmake', ['--build', buildDir, '--target', 'test-gbnf-validator'], { onLine });
  } catch (error) {
    throw new ProvisioningError(
      `building test-gbnf-validator failed; full log: ${logFile}\n${(error as Error).message}`,
    );
  } finally {
    await new Promise((resolve) => logStream.end(resolve));
  }
  if (!existsSync(binary)) {
    throw new ProvisioningError(`the build finished but ${binary} is missing; log: ${logFile}`);
  }
  return binary;
}
