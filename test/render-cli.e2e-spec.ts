import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toTemplateMessages } from '../src/chat/template-messages';
import { ChatMessage } from '../src/openai/chat-completion.types';
import { testAssets } from './support/test-assets';

/**
 * `llama-tools-server render` (the compiled CLI, `npm run build`) against vendored templates: its
 * stdout must be byte-identical to Python Jinja2's rendering recorded by
 * scripts/render-chat-template-references.py, and a raising template must exit 2 with Jinja2's
 * message on stderr.
 */
const REPO_ROOT = resolve(__dirname, '..');
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'chat-templates');

interface Conversation {
  name: string;
  messages: Array<Record<string, unknown>>;
  tools?: unknown[];
  add_generation_prompt: boolean;
  extra?: Record<string, unknown>;
}

interface TemplateSpec {
  name: string;
  path?: string;
  bos_token: string;
  eos_token: string;
}

type ExpectedCase = { output: string } | { error: { type: string; message: string } };

const conversations = (JSON.parse(readFileSync(join(FIXTURES, 'conversations.json'), 'utf8')) as { conversations: Conversation[] })
  .conversations;
const corpus = (JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as { templates: TemplateSpec[] }).templates;

function reference(template: string): { source_date_epoch: number; cases: Record<string, ExpectedCase> } {
  return JSON.parse(readFileSync(join(FIXTURES, 'expected', `${template}.json`), 'utf8')) as {
    source_date_epoch: number;
    cases: Record<string, ExpectedCase>;
  };
}

/** A fixture conversation's messages as an OpenAI client sends them: tool-call arguments as JSON strings. */
function asOpenAiMessages(conversation: Conversation): ChatMessage[] {
  return conversation.messages.map((message) => {
    const calls = message.tool_calls as Array<{ function: { arguments: unknown } }> | undefined;
    if (calls === undefined) return message as unknown as ChatMessage;
    return {
      ...message,
      tool_calls: calls.map((call) => ({ ...call, function: { ...call.function, arguments: JSON.stringify(call.function.arguments) } })),
    } as unknown as ChatMessage;
  });
}

describe('llama-tools-server render (compiled CLI)', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'render-cli-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `render` for a fixture conversation with a corpus template; returns the process result. */
  function render(templateName: string, conversationName: string) {
    const spec = corpus.find((t) => t.name === templateName);
    const conversation = conversations.find((c) => c.name === conversationName);
    if (spec?.path === undefined || conversation === undefined) throw new Error(`no fixture ${templateName}/${conversationName}`);
    const messages = asOpenAiMessages(conversation);
    // The CLI normalises like the server; this case is only meaningful if that yields the fixture's messages.
    expect(toTemplateMessages(messages)).toEqual(conversation.messages);
    const messagesFile = join(dir, `${conversationName}.messages.json`);
    writeFileSync(messagesFile, JSON.stringify(messages));
    const args = [CLI, 'render', '--template', join(REPO_ROOT, spec.path), '--messages', messagesFile];
    if (conversation.tools !== undefined) {
      const toolsFile = join(dir, `${conversationName}.tools.json`);
      writeFileSync(toolsFile, JSON.stringify(conversation.tools));
      args.push('--tools', toolsFile);
    }
    if (conversation.add_generation_prompt) args.push('--add-generation-prompt');
    const vars = { bos_token: spec.bos_token, eos_token: spec.eos_token, ...conversation.extra };
    for (const [key, value] of Object.entries(vars)) {
      args.push('--var', `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
    const { source_date_epoch: epoch, cases } = reference(templateName);
    const result = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
    });
    return { ...result, expected: cases[conversationName] };
  }

  it.each([
    ['meta-llama-Llama-3.2-3B-Instruct', 'tool-call-and-result'],
    ['NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use', 'parallel-tool-calls'],
    ['Qwen-Qwen3-0.6B', 'thinking-disabled'],
    ['mistralai-Mistral-Nemo-Instruct-2407', 'unicode'],
  ])('prints exactly what Python Jinja2 renders: %s / %s', (template, conversation) => {
    const result = render(template, conversation);
    expect(result.expected).toHaveProperty('output');
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toBe((result.expected as { output: string }).output);
  });

  it("renders a GGUF's own template with --model", () => {
    const conversation = conversations.find((c) => c.name === 'tools-system') as Conversation;
    const messagesFile = join(dir, 'model.messages.json');
    const toolsFile = join(dir, 'model.tools.json');
    writeFileSync(messagesFile, JSON.stringify(conversation.messages));
    writeFileSync(toolsFile, JSON.stringify(conversation.tools));
    // The tiny test model carries models/templates/Qwen-Qwen2.5-7B-Instruct.jinja.
    const result = spawnSync(
      process.execPath,
      [CLI, 'render', '--model', testAssets().model, '--messages', messagesFile, '--tools', toolsFile, '--add-generation-prompt'],
      { encoding: 'utf8' },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toBe((reference('Qwen-Qwen2.5-7B-Instruct').cases['tools-system'] as { output: string }).output);
  });

  it("exits 2 with the template's own message when it raises", () => {
    const result = render('google-gemma-2-2b-it', 'system-user');
    expect(result.expected).toEqual({ error: { type: 'TemplateError', message: 'System role not supported' } });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('System role not supported\n');
  });

  it('exits 2 with the Python message on a runtime error', () => {
    const result = render('Qwen-Qwen3-0.6B', 'tool-call-and-result');
    expect(result.expected).toEqual({ error: { type: 'TypeError', message: "argument of type 'NoneType' is not iterable" } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("argument of type 'NoneType' is not iterable\n");
  });
});
