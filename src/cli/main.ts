#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { buildLlamaServerCommand } from './build-llama-server.command';
import { demoCommand } from './demo.command';
import { serveCommand } from './serve.command';
import {
  CLI_ENV_PREFIX,
  CLI_PARSER_CONFIGURATION,
  toServerConfig,
  withServeOptions,
} from './serve-options';

/** `llama-tools-server <command>`: serve, demo, build-llama-server. */
void yargs(hideBin(process.argv))
  .scriptName('llama-tools-server')
  .parserConfiguration(CLI_PARSER_CONFIGURATION)
  .env(CLI_ENV_PREFIX)
  .command(
    'serve',
    'serve a GGUF model with an OpenAI-compatible API (flags as llama-server; -- passes the rest)',
    (y) => withServeOptions(y),
    (argv) => serveCommand(toServerConfig(argv)),
  )
  .command(
    'demo',
    'make a tiny random-weight model, serve it, send one chat request with the openai SDK, exit',
    (y) => y,
    () => demoCommand(),
  )
  .command(
    'build-llama-server',
    "build llama-server from the llama.cpp source shipped in node-llama-cpp (cached by tag)",
    (y) => y,
    () => buildLlamaServerCommand(),
  )
  .demandCommand(1)
  .strict()
  .help()
  .parseAsync();
