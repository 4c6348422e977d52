import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { LlamaServerSupervisor } from '../src/llama/llama-server-supervisor';
import { CliProcess, startServe } from './support/cli-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { RecordingProxy } from './support/recording-proxy';
import { testAssets } from './support/test-assets';

const FIXTURES = join(__dirname, 'fixtures', 'chat-templates');

interface Conversation {
  name: string;
  add_generation_prompt: boolean;
  messages: Array<Record<string, unknown>>;
  tools?: unknown[];
  extra?: unknown;
}

interface ExpectedRenders {
  cases: Record<string, { output?: string; error?: { message: string } }>;
}

const conversations = (
  JSON.parse(readFileSync(join(FIXTURES, 'conversations.json'), 'utf8')) as {
    conversations: Conversation[];
  }
).conversations;

const expectedFor = (template: string): ExpectedRenders =>
  JSON.parse(readFileSync(join(FIXTURES, 'expected', `${template}.json`), 'utf8')) as ExpectedRenders;

/** A fixture conversation as an OpenAI request: tool-call arguments as JSON strings. */
function toRequestMessages(conversation: Conversation): OpenAI.ChatCompletionMessageParam[] {
  return conversation.messages.map((message) => {
    const toolCalls = message.tool_calls as
      | Array<{ id: string; type: 'function'; function: { name: string; arguments: unknown } }>
      | undefined;
    if (!toolCalls) return message as unknown as OpenAI.ChatCompletionMessageParam;
    return {
      ...message,
      tool_calls: toolCalls.map((call) => ({
        ...call,
        function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments) },
      })),
    } as unknown as OpenAI.ChatCompletionMessageParam;
  });
}

/** Conversations an OpenAI client can send as they are (standard roles, generation prompt on). */
const sendable = conversations.filter(
  (conversation) =>
    conversation.add_generation_prompt &&
    !conversation.extra &&
    conversation.messages.every((message) =>
      ['system', 'user', 'assistant', 'tool'].includes(message.role as string),
    ) &&
    conversation.messages.every((message) => message.content !== null || message.tool_calls),
);

/**
 * `serve --endpoint` in front of a real llama-server (through a recording proxy, so the test sees
 * exactly what reaches `/completion`): the chat template comes from llama-server's `GET /props`,
 * and the prompt sent upstream is byte-identical to Python Jinja2's rendering.
 */
describe('serve --endpoint: the prompt sent upstream', () => {
  let llama: LlamaServerSupervisor;
  let proxy: RecordingProxy;
  let cli: CliProcess;
  let client: OpenAI;
  let endpoint: string;

  beforeAll(async () => {
    const { llamaServer, model } = testAssets();
    llama = new LlamaServerSupervisor({
      binary: llamaServer,
      model,
      args: ['-c', '4096'],
      healthTimeoutMs: 60_000,
    });
    await llama.start();
    proxy = new RecordingProxy(llama.baseUrl);
    endpoint = await proxy.start();
    cli = await startServe(['--endpoint', endpoint]);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    cli?.process.kill('SIGTERM');
    await cli?.exited;
    await proxy?.stop();
    await llama?.stop();
  });

  it('takes the chat template from GET /props when no --model is given', () => {
    expect(proxy.requests.some((request) => request.path === '/props')).toBe(true);
  });

  it('has conversations to send', () => {
    expect(sendable.map((conversation) => conversation.name)).toEqual(
      expect.arrayContaining(['user', 'system-user', 'multi-turn', 'unicode', 'tool-call-and-result']),
    );
  });

  const expected = expectedFor('Qwen-Qwen2.5-7B-Instruct');
  it.each(sendable.map((conversation) => [conversation.name, conversation] as const))(
    'sends Python Jinja2\'s exact rendering upstream: %s',
    async (_name, conversation) => {
      const before = proxy.completionBodies().length;
      const completion = await client.chat.completions.create({
        model: 'any',
        messages: toRequestMessages(conversation),
        ...(conversation.tools ? { tools: conversation.tools as OpenAI.ChatCompletionTool[] } : {}),
        max_tokens: 1,
      });
      expectOpenAISchema('CreateChatCompletionResponse', completion);
      const sent = proxy.completionBodies().slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0].prompt).toBe(expected.cases[conversation.name].output);
      expect(sent[0].cache_prompt).toBe(true);
      expect(sent[0].n_predict).toBe(1);
    },
  );

  describe('with --chat-template-file', () => {
    let nemo: CliProcess;
    const nemoExpected = expectedFor('mistralai-Mistral-Nemo-Instruct-2407');
    const byName = (name: string) => conversations.find((conversation) => conversation.name === name)!;

    beforeAll(async () => {
      nemo = await startServe([
        '--endpoint',
        endpoint,
        '--chat-template-file',
        join(FIXTURES, 'templates', 'mistralai-Mistral-Nemo-Instruct-2407.jinja'),
        '--alias',
        'nemo',
      ]);
    }, 60_000);

    afterAll(async () => {
      nemo?.process.kill('SIGTERM');
      await nemo?.exited;
    });

    it('renders with the given template and reports the alias', async () => {
      const before = proxy.completionBodies().length;
      const response = await fetch(`${nemo.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: byName('multi-turn').messages, max_tokens: 1 }),
      });
      const body = (await response.json()) as Record<string, any>;
      expect(body.model).toBe('nemo');
      const [sent] = proxy.completionBodies().slice(before);
      // Python rendered it with Nemo's own <s>/</s>; this model's BOS and EOS are both <|endoftext|>
      const rendered = nemoExpected.cases['multi-turn'].output!;
      expect(rendered).toMatch(/^<s>\[INST\][\s\S]*<\/s>/);
      expect(sent.prompt).toBe(rendered.replace(/<s>|<\/s>/g, '<|endoftext|>'));
    });

    it("answers a template's raise_exception with 400 and the template's own message", async () => {
      const response = await fetch(`${nemo.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: byName('system-not-first').messages }),
      });
      const body = (await response.json()) as Record<string, any>;
      expect(response.status).toBe(400);
      expectOpenAISchema('ErrorResponse', body);
      expect(body.error.message).toBe(nemoExpected.cases['system-not-first'].error!.message);
      expect(body.error.code).toBe('chat_template_error');
      const still = await fetch(`${nemo.baseUrl}/health`);
      expect(still.status).toBe(200);
    });
  });
});
