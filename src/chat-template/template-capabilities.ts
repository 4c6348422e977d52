import { ChatTemplate, ChatTemplateContext, ChatTemplateMessage } from './chat-template';

/**
 * What a chat template can render, found by rendering probe conversations once per model (as
 * llama.cpp's minja `chat_template_caps` does). Callers fold what a template cannot render into
 * what it can (see `src/chat/message-folding.ts`).
 */
export interface TemplateCapabilities {
  /** A `system` message reaches the prompt (Gemma 2 raises "System role not supported"). */
  systemRole: boolean;
  /** Assistant `tool_calls` reach the prompt. */
  toolCalls: boolean;
  /** `role: "tool"` results reach the prompt. */
  toolResponses: boolean;
  /**
   * How tool-call `arguments` must be handed over: `object` (Hugging Face convention, the template
   * serialises them, e.g. with `tojson`) or `string` (the template prints them as they are).
   */
  argumentsAs: 'object' | 'string';
  /** An assistant message with tool calls and `content: null` fails; it must get "" instead. */
  requiresNonNullContent: boolean;
  /** Two user messages in a row fail or lose one: same-role neighbours must be merged. */
  requiresAlternation: boolean;
}

const NEEDLE = {
  system: 'system_needle_7f3a',
  user: 'user_needle_1c9e',
  userAgain: 'user_needle_5b2d',
  tool: 'tool_name_needle_9d4c',
  argument: 'argument_needle_2e8b',
  response: 'tool_response_needle_6a1f',
} as const;

/**
 * Offered in every probe first (some templates, e.g. Hermes 2 Pro `tool_use` and Command R, render
 * nothing without tools); a probe failing with it is tried without (some fail on any tools).
 */
const PROBE_TOOL = {
  type: 'function',
  function: { name: NEEDLE.tool, description: 'probe', parameters: { type: 'object', properties: {} } },
};

/** Nine alphanumerics: Mistral templates refuse any other tool-call id. */
const PROBE_CALL_ID = 'probe0001';

/**
 * Probes `template` with small conversations (each render that raises counts as "cannot") and
 * returns what it can render. Pure; costs a few renders, so call it once per model.
 */
export function probeTemplateCapabilities(
  template: ChatTemplate,
  tokens: Pick<ChatTemplateContext, 'bos_token' | 'eos_token'>,
): TemplateCapabilities {
  const renderWith = (messages: ChatTemplateMessage[], tools?: unknown[]): string | undefined => {
    try {
      return template.render({ messages, tools, add_generation_prompt: true, ...tokens });
    } catch {
      return undefined;
    }
  };
  const render = (messages: ChatTemplateMessage[]) => renderWith(messages, [PROBE_TOOL]) ?? renderWith(messages);
  const user = (content: string): ChatTemplateMessage => ({ role: 'user', content });
  const callTurn = (content: string | null, args: unknown): ChatTemplateMessage => ({
    role: 'assistant',
    content,
    tool_calls: [{ id: PROBE_CALL_ID, type: 'function', function: { name: NEEDLE.tool, arguments: args } }],
  });
  const objectArgs = { [NEEDLE.argument]: 1 };
  const stringArgs = JSON.stringify(objectArgs);

  const system = render([{ role: 'system', content: NEEDLE.system }, user(NEEDLE.user)]);
  const twoUsers = render([user(NEEDLE.user), user(NEEDLE.userAgain)]);
  const result: ChatTemplateMessage = {
    role: 'tool',
    tool_call_id: PROBE_CALL_ID,
    name: NEEDLE.tool,
    content: NEEDLE.response,
  };
  // templates treat a last turn differently (QwQ reads only earlier turns' content) and differ in
  // what may follow a call (Mistral Nemo: no user turn right after a result): first shape that
  // renders wins, and the same shape is then tried with a null content
  const shapes = [
    (call: ChatTemplateMessage) => [user(NEEDLE.user), call, result, user(NEEDLE.userAgain)],
    (call: ChatTemplateMessage) => [user(NEEDLE.user), call, user(NEEDLE.userAgain)],
    (call: ChatTemplateMessage) => [user(NEEDLE.user), call],
  ];
  const withCall = (args: unknown) => {
    for (const shape of shapes) {
      const text = render(shape(callTurn('', args)));
      if (text !== undefined) return { shape, text };
    }
    return undefined;
  };
  const withObject = withCall(objectArgs);
  const withString = withCall(stringArgs);
  // a template that prints arguments as they are shows an object as a Python dict, or fails
  const printsArguments = withObject === undefined || withObject.text.includes(`{'${NEEDLE.argument}': 1}`);
  const argumentsAs = printsArguments && withString?.text.includes(stringArgs) ? 'string' : 'object';
  const args = argumentsAs === 'string' ? stringArgs : objectArgs;
  const withCalls = argumentsAs === 'string' ? withString : withObject;
  const response = render([user(NEEDLE.user), callTurn('', args), result]);

  return {
    systemRole: system?.includes(NEEDLE.system) ?? false,
    toolCalls: withCalls?.text.includes(NEEDLE.tool) ?? false,
    toolResponses: response?.includes(NEEDLE.response) ?? false,
    argumentsAs,
    requiresNonNullContent: withCalls !== undefined && render(withCalls.shape(callTurn(null, args))) === undefined,
    requiresAlternation: !(twoUsers?.includes(NEEDLE.user) && twoUsers.includes(NEEDLE.userAgain)),
  };
}
