import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testAssets } from '../../test/support/test-assets';
import { cacheRoot } from './cache-dir';
import { locateLlamaServer } from './llama-server-locator';
import { ProvisioningError } from './provisioning-error';

describe('locating llama-server (first match wins)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lts-locate-'));
  const executable = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };
  const onPath = executable('llama-server');
  const fromEnv = executable('env-llama-server');
  const fromFlag = executable('flag-llama-server');
  const root = cacheRoot();

  it('takes --llama-server over LLAMA_SERVER over PATH', async () => {
    const env = { LLAMA_SERVER: fromEnv, PATH: dir };
    expect(await locateLlamaServer({ explicitPath: fromFlag, env, cacheRoot: root })).toEqual({
      path: fromFlag,
      origin: 'flag',
    });
    expect(await locateLlamaServer({ env, cacheRoot: root })).toEqual({ path: fromEnv, origin: 'env' });
    expect(await locateLlamaServer({ env: { PATH: dir }, cacheRoot: root })).toEqual({
      path: onPath,
      origin: 'path',
    });
  });

  it('falls back to the cached build, without rebuilding', async () => {
    const located = await locateLlamaServer({ env: { PATH: '/nonexistent' }, cacheRoot: root, allowBuild: false });
    expect(located.origin).toBe('cache');
    expect(located.path).toBe(join(testAssets().llamaCppDir, 'build', 'bin', 'llama-server'));
  });

  it('says where it looked when an explicit path is wrong', async () => {
    await expect(
      locateLlamaServer({ explicitPath: join(dir, 'missing'), cacheRoot: root }),
    ).rejects.toThrow(new ProvisioningError(`--llama-server: no file at ${join(dir, 'missing')}`));
    await expect(
      locateLlamaServer({ env: { LLAMA_SERVER: '/no/such/llama-server' }, cacheRoot: root }),
    ).rejects.toThrow(/LLAMA_SERVER: no file at/);
  });
});
