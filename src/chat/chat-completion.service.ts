import { Inject, Injectable, Optional } from '@nestjs/common';
import { map, MonoTypeOperatorFunction, Observable, tap } from 'rxjs';
import { ApiError } from '../errors/api-error';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { LlamaClient } from '../llama/llama-client';
import { ServedModelService } from '../models/served-model.service';
import { mapToMany } from '../rx/map-to-many';
import { ChatCompletionRequest } from '../openai/chat-completion.types';
import { GrammarBuilder } from '../tool-formats/tool-format';
import { ChatResult, ChatStreamEvent } from './chat-events';
import { CHAT_OBSERVER, ChatObserver } from './chat-observer';
import { observedToolCalling } from './observed-tool-calling';
import { chatTopLogprobs, finishReasonOf, nProbsFor, toCompletionRequest, usageOf } from './completion-params';
import { topCandidates } from './token-logprobs';
import { OutputConstraint, StructuredOutputService } from './structured-output';
import { foldForTemplate } from './message-folding';
import { toTemplateMessages, toTemplateTools, withSystemText, withToolCallIdLength } from './template-messages';
import { AnswerConstraint, SchemaValidatorFactory, ToolCalling, ToolCallingPreparer } from './tool-calling';
import { toToolRequest, ToolRequest } from './tool-choice';
import { interpretToolOutput, toolOutputEvents } from './tool-output';

/** Injection token: makes a fresh GBNF builder for one grammar. */
export const GRAMMAR_BUILDER_FACTORY = Symbol('GrammarBuilderFactory');
/** Injection token: compiles a JSON Schema into a validator (see `SchemaValidatorFactory`). */
export const SCHEMA_VALIDATOR_FACTORY = Symbol('SchemaValidatorFactory');

/**
 * Runs one chat completion: normalises messages, renders the prompt with the model's chat
 * template, constrains generation (tool-call grammar), sends it to llama-server's `/completion`,
 * and interprets the output (tool calls parsed and validated). No HTTP in here.
 */
@Injectable()
export class ChatCompletionService {
  private readonly toolCallingPreparer: ToolCallingPreparer;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly models: ServedModelService,
    private readonly llama: LlamaClient,
    @Inject(GRAMMAR_BUILDER_FACTORY) newGrammarBuilder: () => GrammarBuilder,
    @Inject(SCHEMA_VALIDATOR_FACTORY) validatorFor: SchemaValidatorFactory,
    private readonly structured: StructuredOutputService,
    @Optional() @Inject(CHAT_OBSERVER) private readonly observer?: ChatObserver,
  ) {
    this.toolCallingPreparer = new ToolCallingPreparer(newGrammarBuilder, validatorFor);
  }

  /**
   * The prompt exactly as sent upstream: the template's rendering (the model's tool-use template
   * for a request with tools, where it has one; tools handed to the template
   * whenever the request has them, as llama.cpp and vLLM do, also with `tool_choice: "none"`; or
   * described in the system prompt for formats that need it, only when a call is possible),
   * minus a leading BOS text when llama-server adds BOS itself. `chat_template_kwargs` become extra
   * template variables (as in llama.cpp and vLLM), never replacing the standard ones. What the
   * template cannot render (system role, tool turns, same-role neighbours, `null` content) is
   * folded into what it can (`foldForTemplate`); tool-call ids get the format's length.
   *
   * @throws ChatTemplateError when the template raises; the normalisation errors of
   *   `toTemplateMessages` and `toToolRequest`
   */
  renderPrompt(request: ChatCompletionRequest, tools = toToolRequest(request)): string {
    const model = this.models.model;
    const active = tools && tools.choice.mode !== 'none' ? tools : undefined;
    const systemText = active && model.toolFormat.systemPrompt?.(active.tools, this.config.toolsPromptStyle);
    let messages = toTemplateMessages(request.messages);
    const idLength = model.toolFormat.toolCallIdLength;
    if (idLength !== undefined) messages = withToolCallIdLength(messages, idLength);
    if (systemText) messages = withSystemText(messages, systemText);
    const { template, capabilities } = (tools && model.toolUse) || model;
    let prompt = template.render({
      ...request.chat_template_kwargs,
      messages: foldForTemplate(messages, capabilities),
      tools: tools && !systemText ? toTemplateTools(request.tools ?? []) : undefined,
      add_generation_prompt: true,
      bos_token: model.bosToken,
      eos_token: model.eosToken,
    });
    if (model.addsBosToken && model.bosToken && prompt.startsWith(model.bosToken)) {
      prompt = prompt.slice(model.bosToken.length);
    }
    return prompt;
  }

  /**
   * Non-streamed completion. With tools and a JSON `response_format`, an answer that is not a call
   * is checked against the schema too. Errors: see `renderPrompt`, `toCompletionRequest`,
   * `LlamaClient`.
   */
  async complete(request: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatResult> {
    const { body, calling, output, topLogprobs } = this.prepare(request);
    const result = await this.llama.complete(body, signal);
    const usage = usageOf(result);
    const logprobs = topLogprobs === undefined ? {} : { logprobs: topCandidates(result, topLogprobs) };
    if (calling) {
      const interpreted = interpretToolOutput(calling.format, result, usage, calling.check, calling.context);
      if (output && interpreted.toolCalls.length === 0 && result.stop_type === 'eos') {
        this.structured.validate(output, interpreted.content ?? '');
      }
      return { ...interpreted, ...logprobs };
    }
    if (output && result.stop_type === 'eos') this.structured.validate(output, result.content);
    return {
      content: result.content,
      toolCalls: [],
      finishReason: finishReasonOf(result.stop_type, result.truncated),
      usage,
      ...logprobs,
    };
  }

  /**
   * Streamed completion: content (and reasoning, tool-call) pieces as llama-server produces them,
   * then `done`. Request errors are thrown synchronously (before anything is streamed); upstream
   * errors arrive in the stream. A constrained answer is checked once finished, before `done`.
   */
  stream(request: ChatCompletionRequest): Observable<ChatStreamEvent> {
    const { body, calling, output, topLogprobs } = this.prepare(request);
    const upstream = this.llama.completeStream(body);
    const chunks =
      topLogprobs === undefined
        ? upstream
        : upstream.pipe(map((chunk) => ({ ...chunk, completion_probabilities: topCandidates(chunk, topLogprobs) })));
    if (calling) {
      const events = chunks.pipe(toolOutputEvents(calling.format, usageOf, calling.check, calling.context));
      return output ? events.pipe(checkAnswer((content) => this.structured.validate(output, content))) : events;
    }
    let text = '';
    return chunks.pipe(
      mapToMany((chunk) => {
        const events: ChatStreamEvent[] = [];
        const logprobs = chunk.completion_probabilities?.length ? chunk.completion_probabilities : undefined;
        if (chunk.content) events.push({ type: 'content', content: chunk.content, ...(logprobs ? { logprobs } : {}) });
        else if (logprobs) events.push({ type: 'logprobs', logprobs });
        text += chunk.content ?? '';
        // structured output: the whole text is checked once llama-server has finished it
        if (output && chunk.stop && chunk.stop_type === 'eos') this.structured.validate(output, text);
        if (chunk.stop) {
          events.push({
            type: 'done',
            finishReason: finishReasonOf(chunk.stop_type, chunk.truncated),
            usage: usageOf(chunk),
          });
        }
        return events;
      }),
    );
  }

  private prepare(request: ChatCompletionRequest) {
    const tools = toToolRequest(request);
    const prompt = this.renderPrompt(request, tools);
    const output: OutputConstraint | undefined = this.structured.constraintFor(request);
    const topLogprobs = chatTopLogprobs(request);
    const body = toCompletionRequest(request, prompt, output?.grammar, nProbsFor(topLogprobs));
    const calling = this.toolCalling(tools, prompt, output);
    if (calling) Object.assign(body, calling.fields);
    return { body, calling, output, topLogprobs };
  }

  /**
   * Tool calling for a request whose `tool_choice` is not `none`. With `auto` and a JSON output
   * constraint, an answer that is not a call must match its schema.
   *
   * @throws ApiError `invalid_request` for a raw `grammar` beside tools that may be called
   */
  private toolCalling(
    tools: ToolRequest | undefined,
    prompt: string,
    output: OutputConstraint | undefined,
  ): ToolCalling | undefined {
    if (!tools) return undefined;
    const { choice } = tools;
    if (choice.mode === 'none') return undefined;
    if (output && output.schema === undefined) {
      throw new ApiError('invalid_request', "'grammar' cannot be combined with callable 'tools'.", 'grammar');
    }
    const answer: AnswerConstraint | undefined =
      output && choice.mode === 'auto' ? { schema: output.schema, strict: output.strict ?? false } : undefined;
    const calling = this.toolCallingPreparer.prepare(this.models.model.toolFormat, { ...tools, choice }, prompt, answer);
    return observedToolCalling(calling, this.observer);
  }
}

/**
 * Checks a streamed answer that ended without calls (`finish_reason: "stop"`) with `validate`
 * before its `done` event passes.
 */
function checkAnswer(validate: (content: string) => void): MonoTypeOperatorFunction<ChatStreamEvent> {
  let content = '';
  let called = false;
  return tap((event) => {
    if (event.type === 'content') content += event.content;
    if (event.type === 'tool_call_start') called = true;
    if (event.type === 'done' && event.finishReason === 'stop' && !called) validate(content);
  });
}
