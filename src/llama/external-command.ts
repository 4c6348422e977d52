import { spawn } from 'node:child_process';
import which from 'which';
import { ProvisioningError } from './provisioning-error';

/** Debian package providing each build tool we shell out to. */
const DEBIAN_PACKAGES: Record<string, string> = {
  git: 'git',
  cmake: 'cmake',
  ninja: 'ninja-build',
  'c++': 'g++',
  npm: 'npm',
};

/**
 * Resolves each command on `PATH`.
 *
 * @throws ProvisioningError naming every missing command and the Debian packages to install
 *   (`apt-get install -y …`).
 */
export function requireCommands(commands: string[]): void {
  const missing = commands.filter((command) => which.sync(command, { nothrow: true }) === null);
  if (missing.length === 0) return;
  const packages = missing.map((command) => DEBIAN_PACKAGES[command] ?? command);
  throw new ProvisioningError(
    `missing ${missing.join(', ')} on PATH; on Debian/Ubuntu install them with: ` +
      `apt-get install -y ${packages.join(' ')}`,
  );
}

/** How a command's output lines are consumed while it runs. */
export interface CommandOutput {
  onLine?: (line: string) => void;
}

/**
 * Runs a command to completion, feeding each output line (stdout and stderr) to `onLine`.
 *
 * @returns the last 40 output lines
 * @throws ProvisioningError when the command cannot start or exits non-zero
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string } & CommandOutput = {},
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line === '') continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) =>
      reject(new ProvisioningError(`cannot run ${command}: ${error.message}`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(tail);
      else
        reject(
          new ProvisioningError(
            `${command} ${args.join(' ')} exited with code ${code}:\n${tail.join('\n')}`,
          ),
        );
    });
  });
}
