import { Injectable } from '@nestjs/common';
import { concat, defer, EMPTY, map, merge, Observable, of } from 'rxjs';
import { mapToMany } from '../rx/map-to-many';
import { finishReasonOf, nProbsFor, toCompletionRequest, usageOf } from '../chat/completion-params';
import { OutputConstraint, StructuredOutputService } from '../chat/structured-output';
import { topCandidates } from '../chat/token-logprobs';
import { ApiError } from '../errors/api-error';
import { CompletionRequest, CompletionResult, TokenProbability } from '../llama/completion-types';
import { LlamaClient } from '../llama/llama-client';
import { CompletionUsage } from '../openai/chat-completion.types';
import { TextCompletionRequest } from '../openai/completion.types';
import { promptsOf } from './prompts';

/** OpenAI's default `max_tokens` for (legacy) Completions. */
export const DEFAULT_MAX_TOKENS = 16;

/** One finished choice: the text (the prompt first with `echo`), why it stopped, its tokens. */
export interface TextChoiceResult {
  index: number;
  text: string;
  finishReason: 'stop' | 'length';
  /** With `logprobs`: the generated tokens, each with at most `logprobs` alternatives. */
  logprobs?: TokenProbability[];
}

/** A finished completion: one choice per prompt, usage summed over them. */
export interface TextCompletionResult {
  choices: TextChoiceResult[];
  usage: CompletionUsage;
}

/**
 * One step of a streamed completion: text pieces of the choice `index` (the echoed prompt first),
 * each choice's `finish`, then one `done` with the usage summed over all prompts.
 */
export type TextCompletionEvent =
  | { type: 'text'; index: number; text: string; logprobs?: TokenProbability[] }
  | { type: 'finish'; index: number; finishReason: TextChoiceResult['finishReason'] }
  | { type: 'done'; usage: CompletionUsage };

/** What a request resolves to before anything is sent upstream. */
interface Plan {
  prompts: Array<string | number[]>;
  body: (prompt: string | number[]) => CompletionRequest;
  echo: boolean;
  topLogprobs?: number;
  output?: OutputConstraint;
}

/**
 * Runs one (legacy) Completions request, per OpenAI `CreateCompletionRequest`: each prompt goes to
 * llama-server's `/completion` raw (no chat template; llama-server adds BOS as the model says),
 * several prompts concurrently, one choice each. No HTTP in here.
 */
@Injectable()
export class TextCompletionService {
  constructor(
    private readonly llama: LlamaClient,
    private readonly structured: StructuredOutputService,
  ) {}

  /**
   * Non-streamed completion. If one prompt fails, the others are aborted.
   *
   * @throws ApiError (see `prepare`); the errors of `LlamaClient`; `StructuredOutputViolation`
   */
  async complete(request: TextCompletionRequest, signal?: AbortSignal): Promise<TextCompletionResult> {
    const plan = this.prepare(request);
    const abort = new AbortController();
    signal?.addEventListener('abort', () => abort.abort(), { once: true });
    try {
      const finished = await Promise.all(
        plan.prompts.map(async (prompt, index) => {
          const echoed = plan.echo ? await this.promptText(prompt, abort.signal) : '';
          const result = await this.llama.complete(plan.body(prompt), abort.signal);
          return { index, echoed, result };
        }),
      );
      return {
        choices: finished.map(({ index, echoed, result }) => this.choice(plan, index, echoed, result)),
        usage: sumUsage(finished.map(({ result }) => usageOf(result))),
      };
    } catch (error) {
      abort.abort();
      throw error;
    }
  }

  /**
   * Streamed completion. Request errors are thrown synchronously (before anything is streamed);
   * upstream errors arrive in the stream. Unsubscribing aborts every upstream request.
   */
  stream(request: TextCompletionRequest): Observable<TextCompletionEvent> {
    const plan = this.prepare(request);
    const usages: CompletionUsage[] = [];
    const perPrompt = plan.prompts.map((prompt, index) => {
      const echoed: Observable<TextCompletionEvent> = plan.echo
        ? defer(() => this.promptText(prompt)).pipe(map((text) => ({ type: 'text', index, text }) as const))
        : EMPTY;
      let text = '';
      const generated = this.llama.completeStream(plan.body(prompt)).pipe(
        mapToMany((chunk) => {
          const events: TextCompletionEvent[] = [];
          const logprobs = plan.topLogprobs === undefined ? [] : topCandidates(chunk, plan.topLogprobs);
          if (chunk.content || logprobs.length > 0) {
            const piece = chunk.content ?? '';
            events.push({ type: 'text', index, text: piece, ...(logprobs.length ? { logprobs } : {}) });
          }
          text += chunk.content ?? '';
          if (chunk.stop) {
            this.check(plan, chunk, text);
            usages[index] = usageOf(chunk);
            events.push({ type: 'finish', index, finishReason: finishReasonOf(chunk.stop_type, chunk.truncated) });
          }
          return events;
        }),
      );
      return concat(echoed, generated);
    });
    return concat(
      merge(...perPrompt),
      defer(() => of<TextCompletionEvent>({ type: 'done', usage: sumUsage(usages) })),
    );
  }

  /**
   * Resolves a request into prompts and `/completion` bodies: `max_tokens` defaults to 16 (as
   * OpenAI's), `logprobs` N asks llama-server for `n_probs` max(N, 1), `grammar`/`json_schema` as
   * in chat.
   *
   * @throws ApiError `unsupported_parameter` for a non-empty `suffix` (fill-in-the-middle needs
   *   llama-server's `/infill` and a FIM model; not offered) and for `echo` with `logprobs`
   *   (llama-server reports no log-probabilities of prompt tokens); `unsupported_value` for `n` or
   *   `best_of` other than 1; the errors of `StructuredOutputService.constraintFor`
   */
  private prepare(request: TextCompletionRequest): Plan {
    if (request.suffix) {
      throw new ApiError(
        'unsupported_parameter',
        "'suffix' is not supported: fill-in-the-middle needs llama-server's /infill and a model with FIM tokens.",
        'suffix',
      );
    }
    if (request.best_of !== undefined && request.best_of !== null && request.best_of !== 1) {
      throw new ApiError('unsupported_value', 'Only best_of=1 is supported.', 'best_of');
    }
    const topLogprobs = request.logprobs ?? undefined;
    const echo = request.echo === true;
    if (echo && topLogprobs !== undefined) {
      throw new ApiError(
        'unsupported_parameter',
        "'echo' cannot be combined with 'logprobs': llama-server reports log-probabilities of generated tokens only.",
        'echo',
      );
    }
    const output = this.structured.constraintFor(request);
    const sampling = {
      ...request,
      max_completion_tokens: undefined,
      max_tokens: request.max_tokens ?? DEFAULT_MAX_TOKENS,
    };
    const shared = toCompletionRequest(sampling, '', output?.grammar, nProbsFor(topLogprobs));
    const body = (prompt: string | number[]) => ({ ...shared, prompt });
    return { prompts: promptsOf(request.prompt), body, echo, topLogprobs, output };
  }

  private choice(plan: Plan, index: number, echoed: string, result: CompletionResult): TextChoiceResult {
    this.check(plan, result, result.content);
    const choice: TextChoiceResult = {
      index,
      text: echoed + result.content,
      finishReason: finishReasonOf(result.stop_type, result.truncated),
    };
    if (plan.topLogprobs !== undefined) choice.logprobs = topCandidates(result, plan.topLogprobs);
    return choice;
  }

  /** Structured output: the whole text is checked once llama-server has finished it (at EOS). */
  private check(plan: Plan, result: CompletionResult, text: string): void {
    if (plan.output && result.stop_type === 'eos') this.structured.validate(plan.output, text);
  }

  /** The prompt as text, for `echo` (token ids through llama-server's `/detokenize`). */
  private async promptText(prompt: string | number[], signal?: AbortSignal): Promise<string> {
    if (typeof prompt === 'string') return prompt;
    return (await this.llama.detokenize({ tokens: prompt }, signal)).content;
  }
}

/** Usage summed over several completions. */
export function sumUsage(usages: CompletionUsage[]): CompletionUsage {
  const sum = (pick: (usage: CompletionUsage) => number) =>
    usages.reduce((total, usage) => total + pick(usage), 0);
  return {
    prompt_tokens: sum((usage) => usage.prompt_tokens),
    completion_tokens: sum((usage) => usage.completion_tokens),
    total_tokens: sum((usage) => usage.total_tokens),
    prompt_tokens_details: { cached_tokens: sum((usage) => usage.prompt_tokens_details?.cached_tokens ?? 0) },
  };
}
