import yargs from 'yargs';
import { llamaServerArgs } from '../config/server-config';
import { CLI_ENV_PREFIX, CLI_PARSER_CONFIGURATION, toServerConfig, withServeOptions } from './serve-options';

describe('serve flags (named as llama-server)', () => {
  const parse = (args: string[], env: Record<string, string> = {}) => {
    Object.assign(process.env, env);
    try {
      const argv = withServeOptions(
        yargs(args).parserConfiguration(CLI_PARSER_CONFIGURATION).env(CLI_ENV_PREFIX).exitProcess(false).fail(false),
      ).parseSync();
      return toServerConfig(argv);
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
  };

  it('reads llama-server style short and long flags, and passes everything after --', () => {
    const config = parse([
      '-m', 'model.gguf', '-c', '4096', '-np', '4', '-ngl', '99', '-t', '6', '-a', 'mine',
      '--port', '9000', '--chat-template-file', 't.jinja', '--', '--flash-attn', 'on',
    ]);
    expect(config).toMatchObject({
      model: 'model.gguf', ctxSize: 4096, parallel: 4, nGpuLayers: '99', threads: 6, alias: 'mine',
      port: 9000, host: '127.0.0.1', chatTemplateFile: 't.jinja', llamaServerArgs: ['--flash-attn', 'on'],
      healthTimeoutMs: 600_000, logLevel: 'log',
    });
    expect(llamaServerArgs(config)).toEqual([
      '--ctx-size', '4096', '--parallel', '4', '--n-gpu-layers', '99', '--threads', '6', '--flash-attn', 'on',
    ]);
  });

  it('accepts the long names and llama-server environment variables', () => {
    const config = parse(['--model', 'm.gguf', '--parallel', '2', '--n-gpu-layers', '10'], {
      LLAMA_ARG_CTX_SIZE: '1024',
    });
    expect(config).toMatchObject({ model: 'm.gguf', parallel: 2, nGpuLayers: '10', ctxSize: 1024 });
  });

  it('passes nothing llama-server was not asked for', () => {
    expect(llamaServerArgs(parse(['-m', 'm.gguf']))).toEqual([]);
  });

  it('needs a model or an endpoint', () => {
    expect(() => parse([])).toThrow(/either --model or --endpoint is required/);
    expect(parse(['--endpoint', 'http://127.0.0.1:8081']).endpoint).toBe('http://127.0.0.1:8081');
  });
});
