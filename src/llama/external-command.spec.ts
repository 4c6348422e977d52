import { requireCommands, runCommand } from './external-command';
import { ProvisioningError } from './provisioning-error';

describe('external build tools', () => {
  it('names missing tools and the Debian packages that provide them', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => requireCommands(['cmake', 'ninja', 'c++'])).toThrow(
        new ProvisioningError(
          'missing cmake, ninja, c++ on PATH; on Debian/Ubuntu install them with: ' +
            'apt-get install -y cmake ninja-build g++',
        ),
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it('passes when the tools exist', () => {
    expect(() => requireCommands(['sh'])).not.toThrow();
  });

  it('streams output lines and reports a failing command with its last lines', async () => {
    const lines: string[] = [];
    await runCommand('sh', ['-c', 'echo "[1/2] a"; echo "[2/2] b" >&2'], { onLine: (l) => lines.push(l) });
    expect(lines.sort()).toEqual(['[1/2] a', '[2/2] b']);
    await expect(runCommand('sh', ['-c', 'echo boom; exit 3'])).rejects.toThrow(/code 3:\nboom/);
  });
});
