import { randomUUID } from 'node:crypto';
import { TextCompletionEvent, TextCompletionResult } from '../completions/text-completion.service';
import { TokenProbability } from '../llama/completion-types';
import { CompletionIdentity } from './chat-completion.encoder';
import { TextCompletionResponse, TextLogprobs } from './completion.types';

/** A new `cmpl-…` id and creation time (Unix seconds) for `model`. */
export function newTextCompletionIdentity(model: string): CompletionIdentity {
  return { id: `cmpl-${randomUUID().replace(/-/g, '')}`, created: Math.floor(Date.now() / 1000), model };
}

/** A finished completion as OpenAI's `CreateCompletionResponse`, one choice per prompt. */
export function toTextCompletionResponse(
  identity: CompletionIdentity,
  result: TextCompletionResult,
): TextCompletionResponse {
  return {
    ...identity,
    object: 'text_completion',
    choices: result.choices.map((choice) => ({
      index: choice.index,
      text: choice.text,
      finish_reason: choice.finishReason,
      logprobs: choice.logprobs ? toTextLogprobs(choice.logprobs, 0) : null,
    })),
    usage: result.usage,
  };
}

/**
 * Encodes a completion stream as OpenAI does for (legacy) Completions: chunks shaped like
 * `CreateCompletionResponse` (`object: "text_completion"`), one per text piece of a choice (its
 * `index`), `finish_reason` on the choice's last chunk (with `text: ""`), and with
 * `stream_options.include_usage` a last chunk with `choices: []` and `usage`. `logprobs.text_offset`
 * counts from the start of each choice's text.
 */
export class TextChunkEncoder {
  private readonly offsets = new Map<number, number>();

  constructor(
    private readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {}

  /** The chunks for one stream event. */
  encode(event: TextCompletionEvent): TextCompletionResponse[] {
    switch (event.type) {
      case 'text': {
        const offset = this.offsets.get(event.index) ?? 0;
        this.offsets.set(event.index, offset + codePoints(event.text));
        const logprobs = event.logprobs ? toTextLogprobs(event.logprobs, offset) : null;
        return [this.chunk({ index: event.index, text: event.text, finish_reason: null, logprobs })];
      }
      case 'finish':
        return [this.chunk({ index: event.index, text: '', finish_reason: event.finishReason, logprobs: null })];
      case 'done':
        return this.includeUsage ? [{ ...this.identity, object: 'text_completion', choices: [], usage: event.usage }] : [];
    }
  }

  private chunk(choice: TextCompletionResponse['choices'][number]): TextCompletionResponse {
    return { ...this.identity, object: 'text_completion', choices: [choice] };
  }
}

/**
 * llama-server's token probabilities (`completion_probabilities`) in the legacy Completions
 * `logprobs` shape: `tokens`, `token_logprobs`, `top_logprobs` (token → logprob of the reported
 * alternatives, plus the chosen token, so up to `logprobs` + 1 entries as OpenAI documents) and
 * `text_offset` (code points, from `offset`).
 */
export function toTextLogprobs(tokens: TokenProbability[], offset: number): TextLogprobs {
  const logprobs: TextLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let position = offset;
  for (const token of tokens) {
    logprobs.tokens.push(token.token);
    logprobs.token_logprobs.push(token.logprob);
    const top: Record<string, number> = {};
    for (const candidate of token.top_logprobs) {
      if (!Object.hasOwn(top, candidate.token)) top[candidate.token] = candidate.logprob;
    }
    if (!Object.hasOwn(top, token.token)) top[token.token] = token.logprob;
    logprobs.top_logprobs.push(top);
    logprobs.text_offset.push(position);
    position += codePoints(token.token);
  }
  return logprobs;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
