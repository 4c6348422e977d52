import { Injectable } from '@nestjs/common';
import { mergeMap, Observable } from 'rxjs';
import { ChatTemplateError } from '../chat-template/chat-template';
import { ApiError } from '../errors/api-error';
import { CompletionResult } from '../llama/completion-types';
import { LlamaClient } from '../llama/llama-client';
import { ServedModelService } from '../models/served-model.service';
import { ChatCompletionRequest, CompletionUsage } from '../openai/chat-completion.types';
import { ChatResult, ChatStreamEvent } from './chat-events';
import { finishReasonOf, toCompletionRequest } from './completion-params';
import { toTemplateMessages } from './template-messages';

/**
 * Runs one chat completion: normalises messages, renders the prompt with the model's chat
 * template, and sends it to llama-server's `/completion`. No HTTP in here.
 */
@Injectable()
export class ChatCompletionService {
  constructor(
    private readonly models: ServedModelService,
    private readonly llama: LlamaClient,
  ) {}

  /**
   * The prompt exactly as sent upstream (the template's rendering, minus a leading BOS text when
   * llama-server adds BOS itself).
   *
   * @throws ApiError `chat_template_error` (400) when the template raises, and the message
   *   normalisation errors of `toTemplateMessages`
   */
  renderPrompt(request: ChatCompletionRequest): string {
    const model = this.models.model;
    let prompt: string;
    try {
      prompt = model.template.render({
        messages: toTemplateMessages(request.messages),
        tools: request.tools,
        add_generation_prompt: true,
        bos_token: model.bosToken,
        eos_token: model.eosToken,
      });
    } catch (error) {
      if (error instanceof ChatTemplateError) {
        throw new ApiError('chat_template_error', error.message, 'messages');
      }
      throw error;
    }
    if (model.addsBosToken && model.bosToken && prompt.startsWith(model.bosToken)) {
      prompt = prompt.slice(model.bosToken.length);
    }
    return prompt;
  }

  /** Non-streamed completion. Errors: see `renderPrompt`, `toCompletionRequest`, `LlamaClient`. */
  async complete(request: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatResult> {
    const body = toCompletionRequest(request, this.renderPrompt(request));
    const result = await this.llama.complete(body, signal);
    return {
      content: result.content,
      toolCalls: [],
      finishReason: finishReasonOf(result.stop_type, result.truncated),
      usage: usageOf(result),
    };
  }

  /**
   * Streamed completion: content pieces as llama-server produces them, then `done`. Request errors
   * are thrown synchronously (before anything is streamed); upstream errors arrive in the stream.
   */
  stream(request: ChatCompletionRequest): Observable<ChatStreamEvent> {
    const body = toCompletionRequest(request, this.renderPrompt(request));
    return this.llama.completeStream(body).pipe(
      mergeMap((chunk) => {
        const events: ChatStreamEvent[] = [];
        if (chunk.content) events.push({ type: 'content', content: chunk.content });
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
