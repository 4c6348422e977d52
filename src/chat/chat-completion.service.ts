import { Inject, Injectable } from '@nestjs/common';
import { ChatTemplateError } from '../chat-template/chat-template';
import { mergeMap, Observable } from 'rxjs';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { CompletionResult } from '../llama/completion-types';
import { LlamaClient } from '../llama/llama-client';
import { ServedModelService } from '../models/served-model.service';
import { ChatCompletionRequest, CompletionUsage } from '../openai/chat-completion.types';
import { GrammarBuilder } from '../tool-formats/tool-format';
import { ChatResult, ChatStreamEvent } from './chat-events';
import { finishReasonOf, toCompletionRequest } from './completion-params';
import { OutputConstraint, StructuredOutputService } from './structured-output';
import { TemplateMessage, toTemplateMessages, withEmptyContent, withSystemText } from './template-messages';
import { prepareToolCalling, SchemaValidatorFactory, ToolCalling } from './tool-calling';
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
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly models: ServedModelService,
    private readonly llama: LlamaClient,
    @Inject(GRAMMAR_BUILDER_FACTORY) private readonly newGrammarBuilder: () => GrammarBuilder,
    @Inject(SCHEMA_VALIDATOR_FACTORY) private readonly validatorFor: SchemaValidatorFactory,
    private readonly structured: StructuredOutputService,
  ) {}

  /**
   * The prompt exactly as sent upstream: the template's rendering (tools handed to the template,
   * or described in the system prompt for formats that need it; none with `tool_choice: "none"`),
   * minus a leading BOS text when llama-server adds BOS itself. `chat_template_kwargs` become extra
   * template variables (as in llama.cpp and vLLM), never replacing the standard ones. A template that fails on a `null`
   * content (sent beside tool calls) is rendered again with "" there.
   *
   * @throws ChatTemplateError when the template raises; the normalisation errors of
   *   `toTemplateMessages` and `toToolRequest`
   */
  renderPrompt(request: ChatCompletionRequest, tools = toToolRequest(request)): string {
    const model = this.models.model;
    const active = tools && tools.choice.mode !== 'none' ? tools : undefined;
    const systemText = active && model.toolFormat.systemPrompt?.(active.tools, this.config.toolsPromptStyle);
    const normalised = toTemplateMessages(request.messages);
    const render = (messages: TemplateMessage[]) =>
      model.template.render({
        ...request.chat_template_kwargs,
        messages: systemText ? withSystemText(messages, systemText) : messages,
        tools: active && !systemText ? request.tools : undefined,
        add_generation_prompt: true,
        bos_token: model.bosToken,
        eos_token: model.eosToken,
      });
    let prompt: string;
    try {
      prompt = render(normalised);
    } catch (error) {
      if (!(error instanceof ChatTemplateError) || !normalised.some((message) => message.content === null)) {
        throw error;
      }
      prompt = render(withEmptyContent(normalised));
    }
    if (model.addsBosToken && model.bosToken && prompt.startsWith(model.bosToken)) {
      prompt = prompt.slice(model.bosToken.length);
    }
    return prompt;
  }

  /** Non-streamed completion. Errors: see `renderPrompt`, `toCompletionRequest`, `LlamaClient`. */
  async complete(request: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatResult> {
    const { body, calling, output } = this.prepare(request);
    const result = await this.llama.complete(body, signal);
    const usage = usageOf(result);
    if (calling) {
      return interpretToolOutput(calling.format, result, usage, calling.check, calling.context);
    }
    if (output && result.stop_type === 'eos') this.structured.validate(output, result.content);
    return {
      content: result.content,
      toolCalls: [],
      finishReason: finishReasonOf(result.stop_type, result.truncated),
      usage,
    };
  }

  /**
   * Streamed completion: content (and reasoning, tool-call) pieces as llama-server produces them,
   * then `done`. Request errors are thrown synchronously (before anything is streamed); upstream
   * errors arrive in the stream.
   */
  stream(request: ChatCompletionRequest): Observable<ChatStreamEvent> {
    const { body, calling, output } = this.prepare(request);
    const chunks = this.llama.completeStream(body);
    if (calling) {
      return chunks.pipe(toolOutputEvents(calling.format, usageOf, calling.check, calling.context));
    }
    let text = '';
    return chunks.pipe(
      mergeMap((chunk) => {
        const events: ChatStreamEvent[] = [];
        if (chunk.content) events.push({ type: 'content', content: chunk.content });
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
    const body = toCompletionRequest(request, prompt, output?.grammar);
    const calling = this.toolCalling(tools, prompt);
    if (calling) Object.assign(body, calling.fields);
    return { body, calling, output };
  }

  private toolCalling(tools: ToolRequest | undefined, prompt: string): ToolCalling | undefined {
    if (!tools) return undefined;
    const { choice } = tools;
    if (choice.mode === 'none') return undefined;
    return prepareToolCalling(
      this.models.model.toolFormat,
      { ...tools, choice },
      prompt,
      this.newGrammarBuilder(),
      this.validatorFor,
    );
  }
}

function usageOf(result: CompletionResult): CompletionUsage {
  const prompt = result.tokens_evaluated ?? 0;
  const completion = result.tokens_predicted ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: result.timings?.cache_n ?? 0 },
  };
}
