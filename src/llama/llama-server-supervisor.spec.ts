import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testAssets } from '../../test/support/test-assets';
import { LlamaServerStartError, LlamaServerSupervisor, SupervisorState } from './llama-server-supervisor';

describe('llama-server supervisor', () => {
  it('starts the real llama-server, reports states, and stops it', async () => {
    const states: SupervisorState[] = [];
    const { llamaServer, model } = testAssets();
    const supervisor = new LlamaServerSupervisor({
      binary: llamaServer,
      model,
      args: ['-c', '512'],
      healthTimeoutMs: 60_000,
      onStateChange: (state) => states.push(state),
    });
    await supervisor.start();
    expect(supervisor.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${supervisor.baseUrl}/health`)).status).toBe(200);
    const pid = supervisor.pid!;
    await supervisor.stop();
    expect(states).toEqual(['starting', 'ready', 'stopping', 'stopped']);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('fails start-up with the last lines of a llama-server that exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lts-supervisor-'));
    const binary = join(dir, 'llama-server');
    writeFileSync(binary, '#!/bin/sh\necho "loading $2"\necho "error: bad model" >&2\nexit 1\n');
    chmodSync(binary, 0o755);
    const supervisor = new LlamaServerSupervisor({ binary, model: 'm.gguf', healthTimeoutMs: 10_000 });
    const failure = supervisor.start();
    await expect(failure).rejects.toBeInstanceOf(LlamaServerStartError);
    await expect(failure).rejects.toThrow(/exited during start-up \(code 1\)[\s\S]*loading m\.gguf[\s\S]*error: bad model/);
    expect(supervisor.state).toBe('failed');
  });

  it('gives up on a llama-server that never becomes healthy and kills it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lts-supervisor-'));
    const binary = join(dir, 'llama-server');
    writeFileSync(binary, '#!/bin/sh\necho "stuck"\nexec sleep 30\n');
    chmodSync(binary, 0o755);
    const supervisor = new LlamaServerSupervisor({ binary, model: 'm.gguf', healthTimeoutMs: 500 });
    await expect(supervisor.start()).rejects.toThrow(/did not become healthy within 500 ms[\s\S]*stuck/);
  });
});
