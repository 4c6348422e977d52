#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { buildLlamaServerCommand } from './build-llama-server.command';
import { demoCommand } from './demo.command';
import { grammarCommand } from './grammar.command';
import { renderCommand, withRenderOptions } from './render.command';
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
  .command(
    'render',
    'print the prompt a chat template renders for a messages file (template errors: message on stderr, exit 2)',
    (y) => withRenderOptions(y),
    (argv) =>
      renderCommand({
        model: argv.model,
        template: argv.template,
        messages: argv.messages,
        tools: argv.tools,
        addGenerationPrompt: argv['add-generation-prompt'],
        vars: argv.var,
      }),
  )
  .command(
    'grammar',
    'read one JSON Schema on stdin, print the GBNF grammar of its valid JSON on stdout (refused: one line on stderr, exit 2)',
    (y) =>
      y
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: "OpenAI strict mode: additionalProperties defaults to false (the spec's default is true)",
        })
        .option('fetch-refs', {
          type: 'boolean',
          default: true,
          describe: 'fetch the http(s) documents the schema references outside itself (--no-fetch-refs: refuse them)',
        }),
    (argv) => grammarCommand({ strict: argv.strict, fetchRefs: argv['fetch-refs'] }),
  )
  .demandCommand(1)
  .strict()
  .help()
  .parseAsync();
