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

  it('reads the queue, upstream timeout and shutdown grace flags, in seconds', () => {
    expect(parse(['-m', 'm.gguf'])).toMatchObject({ queueSize: undefined, timeoutMs: 600_000, shutdownGraceMs: 30_000 });
    expect(parse(['-m', 'm.gguf', '--queue-size', '12', '-to', '5', '--shutdown-grace', '2'])).toMatchObject({
      queueSize: 12,
      timeoutMs: 5000,
      shutdownGraceMs: 2000,
    });
    expect(parse(['-m', 'm.gguf'], { LLAMA_ARG_TIMEOUT: '7' }).timeoutMs).toBe(7000);
    expect(() => parse(['-m', 'm.gguf', '--queue-size', '-1'])).toThrow(/--queue-size must be/);
    expect(() => parse(['-m', 'm.gguf', '--timeout', '0'])).toThrow(/--timeout must be/);
    expect(() => parse(['-m', 'm.gguf', '--shutdown-grace', 'soon'])).toThrow(/--shutdown-grace must be/);
  });

  it('passes nothing llama-server was not asked for', () => {
    expect(llamaServerArgs(parse(['-m', 'm.gguf']))).toEqual([]);
  });

  it('needs a model or an endpoint', () => {
    expect(() => parse([])).toThrow(/either --model or --endpoint is required/);
    expect(parse(['--endpoint', 'http://127.0.0.1:8081']).endpoint).toBe('http://127.0.0.1:8081');
  });

  it('reads the embedding flags under llama-server names, and needs a model to embed with', () => {
    expect(parse(['-m', 'm.gguf', '--embedding-model', 'e.gguf', '--pooling', 'cls'])).toMatchObject({
      embeddingModel: 'e.gguf',
      pooling: 'cls',
    });
    expect(parse(['-m', 'm.gguf'], { LLAMA_ARG_EMBEDDINGS: 'true' }).embedding).toBe(true);
    expect(() => parse(['-m', 'm.gguf', '--pooling', 'none'])).toThrow(/pooling/);
    expect(() => parse(['--endpoint', 'http://127.0.0.1:8081', '--embedding'])).toThrow(/--embedding-model/);
  });

  it('collects API keys from --api-key (repeated, comma-separated), LLAMA_ARG_API_KEY and LLAMA_API_KEY', () => {
    expect(parse(['-m', 'm.gguf', '--api-key', 'a', '--api-key', 'b,c']).apiKeys).toEqual(['a', 'b', 'c']);
    expect(parse(['-m', 'm.gguf'], { LLAMA_ARG_API_KEY: 'x' }).apiKeys).toEqual(['x']);
    expect(parse(['-m', 'm.gguf'], { LLAMA_API_KEY: 'y,z' }).apiKeys).toEqual(['y', 'z']);
    expect(parse(['-m', 'm.gguf']).apiKeys).toEqual([]);
    expect(parse(['--endpoint', 'http://h:1', '--endpoint-api-key', 'up']).endpointApiKey).toBe('up');
  });

  it('reads limits and the log format, with defaults', () => {
    expect(parse(['-m', 'm.gguf'])).toMatchObject({
      logFormat: 'text',
      limits: { maxBodyBytes: 16 * 1024 * 1024, maxTokens: 32768, maxMessages: 2048, maxTools: 128, maxSchemaBytes: 65536 },
    });
    const config = parse([
      '-m', 'm.gguf', '--log-format', 'json', '--max-body-size', '1000', '--max-tokens-limit', '50',
      '--max-messages', '3', '--max-tools', '4', '--max-schema-size', '500',
    ]);
    expect(config).toMatchObject({
      logFormat: 'json',
      limits: { maxBodyBytes: 1000, maxTokens: 50, maxMessages: 3, maxTools: 4, maxSchemaBytes: 500 },
    });
    expect(() => parse(['-m', 'm.gguf', '--log-format', 'xml'])).toThrow(/log-format/);
  });
});
