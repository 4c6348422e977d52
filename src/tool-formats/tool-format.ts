/**
 * The contract every tool-call format implements (one file per format, registered in `index.ts`).
 * Formats follow llama.cpp docs/function-calling.md and the models' own chat templates. Nothing
 * here imports from `@nestjs/*`.
 */

/**
 * A function tool, per OpenAI `ChatCompletionTool.function`; `parameters` is the JSON Schema of the
 * call's arguments, always an object schema (`src/chat/tool-parameters.ts`).
 */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  /**
   * OpenAI's `strict`: the arguments follow `parameters` exactly, so objects that leave
   * `additionalProperties` out get `false` instead of the JSON Schema default `true`.
   */
  strict?: boolean;
}

/** OpenAI `tool_choice`, normalised. */
export type ToolChoice =
  | { mode: 'auto' }
  | { mode: 'required' }
  | { mode: 'none' }
  | { mode: 'named'; name: string };

/** A lazy-grammar trigger, per llama.cpp tools/server/server-schema.cpp (`grammar_triggers`). */
export interface GrammarTrigger {
  type: 'word' | 'pattern' | 'pattern_full';
  value: string;
}

/** What a format adds to the `/completion` request to constrain generation to valid calls. */
export interface ToolConstraints {
  grammar: string;
  /** True: free text until a trigger, then the grammar (tool_choice `auto`). */
  grammarLazy: boolean;
  grammarTriggers: GrammarTrigger[];
  /** Special tokens that must survive tokenization of the grammar and detokenization of output. */
  preservedTokens: string[];
}

/** Builds grammars; implemented by `src/grammar`'s `GbnfBuilder`. */
export interface GrammarBuilder {
  /**
   * Adds the rules for one JSON Schema; returns the rule name matching its JSON values.
   * `additionalPropertiesDefault` is the `additionalProperties` assumed where the schema leaves it
   * out (default `true`, the JSON Schema spec's).
   */
  addSchema(schema: unknown, name: string, options?: { additionalPropertiesDefault?: boolean }): string;
  /** An escaped GBNF string literal. */
  literal(text: string): string;
  /** Adds a named rule; returns its name. */
  addRule(name: string, body: string): string;
  /** The whole grammar, `root ::= rootBody` plus every rule added. */
  build(rootBody: string): string;
}

/** A tool call as parsed from model output; `arguments` is JSON text (a prefix while partial). */
export interface ParsedToolCall {
  name: string;
  arguments: string;
  /**
   * The call id the model wrote, for formats whose markup carries one (Mistral Nemo's 9-character
   * ids); set once complete. It follows the arguments in the markup, so streamed deltas cannot
   * carry it: callers that stream assign their own ids.
   */
  id?: string;
}

/** The assistant message parsed from the text generated so far. */
export interface ParsedMessage {
  /** Visible text; while streaming, never includes (the start of) format markup. */
  content: string;
  /** Text inside `<think>…</think>` for reasoning formats. */
  reasoning: string;
  toolCalls: ParsedToolCall[];
  /** True when `final` and a tool call was left unfinished (cut off by `max_tokens`). */
  truncatedCall: boolean;
}

/** What a format may need to know about the request besides the tools. */
export interface FormatContext {
  /**
   * The rendered prompt the generated text continues (only its end is read). Reasoning formats
   * look for a think block the prompt leaves open (e.g. DeepSeek R1's `<｜Assistant｜><think>\n`):
   * the output then starts inside it.
   */
  prompt?: string;
  /**
   * A GBNF rule (already added to the builder) that a final answer which is not a call must match:
   * tools together with `response_format`. With `tool_choice: "auto"` the grammar is then not
   * lazy: the output is that answer, or the calls.
   */
  answerRule?: string;
}

/** How the generic format describes tools in its system prompt (`--tools-prompt-style`). */
export type ToolsPromptStyle = 'json-schema' | 'typescript';

/** One tool-call format (Hermes, Llama 3.x, Mistral Nemo, …). */
export interface ToolFormat {
  /** Public name, the key in `FORMATS` and the value of `--tool-format`. */
  readonly name: string;
  /** True when a chat template's source is written for this format. */
  detect(templateSource: string): boolean;
  /**
   * Length of the alphanumeric tool-call ids this format's templates demand (Mistral: 9): ids we
   * generate have it, and ids in the history are mapped onto it. Absent: OpenAI-style `call_…` ids.
   */
  readonly toolCallIdLength?: number;
  /**
   * Grammar and triggers for these tools and choice (`choice` is never `none`; a named choice is
   * among `tools`). `parallel` false allows exactly one call; formats whose template renders a
   * single call per turn (Llama 3.x) always allow exactly one.
   */
  constraints(
    tools: ToolSpec[],
    choice: Exclude<ToolChoice, { mode: 'none' }>,
    parallel: boolean,
    builder: GrammarBuilder,
    context?: FormatContext,
  ): ToolConstraints;
  /**
   * What of `context.prompt` this format's grammar depends on, as text for a cache key (reasoning
   * formats: whether the prompt opens or closes a think block). Absent: nothing; the grammar then
   * depends only on the tools, the choice, `parallel` and `context.answerRule`.
   */
  grammarKey?(context: FormatContext): string;
  /**
   * Parses all text generated so far. With `final` false the text may end anywhere; the result's
   * content and argument texts are then prefixes of the final ones (reparse-and-diff streaming).
   * `context` must be the one given to `constraints` for the same request.
   */
  parse(text: string, final: boolean, context?: FormatContext): ParsedMessage;
  /**
   * For formats whose chat templates do not describe tools themselves (the generic format): the
   * system prompt text that describes `tools` and the expected answer, rendered from a Nunjucks
   * template in `templates/` (`generic-tools-<style>.njk`). Absent: the chat template renders the
   * tools it is given.
   */
  systemPrompt?(tools: ToolSpec[], style: ToolsPromptStyle): string;
}
