import { readFile } from 'node:fs/promises';
import { Argv } from 'yargs';
import { ChatTemplateContext, ChatTemplateError, compileChatTemplate, parsePythonJson } from '../chat-template/chat-template';
import { toTemplateMessages } from '../chat/template-messages';
import { readGgufMetadata } from '../gguf/gguf-metadata';
import { resolveTemplateSource } from '../models/template-source';
import { ChatMessage } from '../openai/chat-completion.types';

/** Exit status of `render` when the template raises (or does not compile). */
export const TEMPLATE_ERROR_EXIT_CODE = 2;

/** Parsed flags of `render`. */
export interface RenderOptions {
  /** GGUF whose `tokenizer.chat_template` and BOS/EOS token strings are used. */
  model?: string;
  /** Jinja template file; overrides the model's template. */
  template?: string;
  /** JSON file holding an array of OpenAI chat messages. */
  messages: string;
  /** JSON file holding an OpenAI `tools` array. */
  tools?: string;
  addGenerationPrompt: boolean;
  /** `key=value` template variables; the value is parsed as JSON when it is valid JSON. */
  vars: string[];
}

/**
 * Flags of `render` (stable: external fidelity runs depend on them): `--model GGUF` and/or
 * `--template FILE`, `--messages FILE`, `--tools FILE`, `--add-generation-prompt`,
 * `--var key=value` (repeatable).
 */
export function withRenderOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('model', { alias: 'm', type: 'string', describe: 'GGUF model: its chat template and BOS/EOS tokens' })
    .option('template', { type: 'string', describe: "Jinja chat template file (instead of the model's)" })
    .option('messages', { type: 'string', demandOption: true, describe: 'JSON file: an array of OpenAI chat messages' })
    .option('tools', { type: 'string', describe: 'JSON file: an OpenAI tools array' })
    .option('add-generation-prompt', { type: 'boolean', default: false, describe: 'end with the assistant turn opener' })
    .option('var', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'template variable key=value, value parsed as JSON when valid (e.g. enable_thinking=false, bos_token=<s>)',
    })
    .check((argv) => {
      if (argv.model === undefined && argv.template === undefined) throw new Error('render needs --model or --template');
      return true;
    });
}

/**
 * A `--var key=value` pair: the value as Python's `json.loads` reads it (see parsePythonJson)
 * when it is valid JSON, else the raw string.
 * @throws Error when there is no `=` or the key is empty.
 */
export function parseTemplateVariable(assignment: string): [string, unknown] {
  const at = assignment.indexOf('=');
  if (at <= 0) throw new Error(`--var expects key=value, got ${JSON.stringify(assignment)}`);
  const raw = assignment.slice(at + 1);
  try {
    return [assignment.slice(0, at), parsePythonJson(raw)];
  } catch {
    return [assignment.slice(0, at), raw];
  }
}

/**
 * Renders the prompt the server would build: messages normalised exactly as the server does
 * (`toTemplateMessages`: developer→system, text parts joined, tool-call argument strings parsed to
 * objects); tools read with Python's JSON semantics; variables `messages`, `tools`,
 * `add_generation_prompt`, `bos_token`, `eos_token` (from the GGUF, else empty), then `--var`s,
 * which override them.
 * @throws ChatTemplateError when the template does not compile or raises; Error (or ApiError
 *   from the message normalisation) for unreadable files and invalid input.
 */
export async function renderPrompt(options: RenderOptions): Promise<string> {
  const metadata = options.model === undefined ? undefined : await readGgufMetadata(options.model);
  const { source } = await resolveTemplateSource(options.template, { source: metadata?.chatTemplate, origin: 'gguf' });
  const messages = JSON.parse(await readFile(options.messages, 'utf8')) as unknown;
  if (!Array.isArray(messages)) throw new Error(`${options.messages}: expected a JSON array of messages`);
  const tools = options.tools === undefined ? undefined : parsePythonJson(await readFile(options.tools, 'utf8'));
  if (tools !== undefined && !Array.isArray(tools)) throw new Error(`${options.tools}: expected a JSON array of tools`);
  const context: ChatTemplateContext = {
    messages: toTemplateMessages(messages as ChatMessage[]),
    ...(tools === undefined ? {} : { tools }),
    add_generation_prompt: options.addGenerationPrompt,
    bos_token: metadata?.bosToken ?? '',
    eos_token: metadata?.eosToken ?? '',
    ...Object.fromEntries(options.vars.map(parseTemplateVariable)),
  };
  const name = options.template ?? options.model ?? 'chat_template';
  return compileChatTemplate(source, { name }).render(context);
}

/**
 * `llama-tools-server render`: prints the rendered prompt to stdout exactly (no newline added).
 * A template error prints its message (the template's own for `raise_exception`) to stderr and
 * exits 2; any other failure (unreadable file, invalid JSON or messages) exits 1.
 */
export async function renderCommand(options: RenderOptions): Promise<void> {
  let prompt: string;
  try {
    prompt = await renderPrompt(options);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof ChatTemplateError ? TEMPLATE_ERROR_EXIT_CODE : 1;
    return;
  }
  process.stdout.write(prompt);
}
