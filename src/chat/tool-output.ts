import { Observable, OperatorFunction } from 'rxjs';
import { CompletionResult } from '../llama/completion-types';
import { CompletionUsage, FinishReason } from '../openai/chat-completion.types';
import { diffFinal, diffMessages, EMPTY_MESSAGE, MessageDelta } from '../tool-formats/message-diff';
import { FormatContext, ParsedMessage, ToolFormat } from '../tool-formats/tool-format';
import { ChatResult, ChatStreamEvent, ChatToolCall } from './chat-events';
import { finishReasonOf } from './completion-params';
import { newToolCallId } from './tool-call-ids';

/** Checks one finished call's arguments against its tool's `parameters`; throws when invalid. */
export type ArgumentsCheck = (toolName: string, argumentsText: string) => void;

/**
 * The finish reason of an answer parsed in a tool format: `length` when a call was cut off (it is
 * never returned as a call), `tool_calls` when there are calls, else from llama-server's stop.
 */
export function toolFinishReason(message: ParsedMessage, result: CompletionResult): FinishReason {
  if (message.truncatedCall) return 'length';
  if (message.toolCalls.length > 0) return 'tool_calls';
  return finishReasonOf(result.stop_type, result.truncated);
}

/**
 * Interprets a whole `/completion` answer in `format`: content before the calls (`null` when
 * empty), reasoning, and the finished calls, each checked by `check` and given a new id.
 *
 * @throws whatever `check` throws for a call whose arguments do not validate (a grammar bug)
 */
export function interpretToolOutput(
  format: ToolFormat,
  result: CompletionResult,
  usage: CompletionUsage,
  check: ArgumentsCheck,
  context?: FormatContext,
): ChatResult {
  const message = format.parse(result.content, true, context);
  const toolCalls: ChatToolCall[] = message.toolCalls.map((call) => {
    check(call.name, call.arguments);
    return { id: newToolCallId(format.toolCallIdLength), name: call.name, arguments: call.arguments };
  });
  return {
    content: message.content === '' && toolCalls.length > 0 ? null : message.content,
    ...(message.reasoning ? { reasoning: message.reasoning } : {}),
    toolCalls,
    finishReason: toolFinishReason(message, result),
    usage,
  };
}

/**
 * Turns streamed `/completion` chunks into chat events by reparse-and-diff (per llama.cpp
 * `common_chat_msg_diff`): the text so far is parsed as a partial message after every chunk and
 * the difference is emitted; markup never reaches `content`. Finished calls are checked by `check`
 * before `done`. A chunk's token log-probabilities (raw output, markup included) come first as a
 * `logprobs` event.
 */
export function toolOutputEvents(
  format: ToolFormat,
  usageOf: (result: CompletionResult) => CompletionUsage,
  check: ArgumentsCheck,
  context?: FormatContext,
): OperatorFunction<CompletionResult, ChatStreamEvent> {
  return (chunks) =>
    new Observable<ChatStreamEvent>((subscriber) => {
      let text = '';
      let previous: ParsedMessage = EMPTY_MESSAGE;
      const ids: string[] = [];
      const emit = (deltas: MessageDelta[]) => {
        for (const delta of deltas) {
          if (delta.reasoning) subscriber.next({ type: 'reasoning', reasoning: delta.reasoning });
          if (delta.content) subscriber.next({ type: 'content', content: delta.content });
          const call = delta.toolCall;
          if (!call) continue;
          if (call.name !== undefined) {
            ids[call.index] = newToolCallId(format.toolCallIdLength);
            subscriber.next({ type: 'tool_call_start', index: call.index, id: ids[call.index], name: call.name });
          }
          if (call.arguments) {
            subscriber.next({ type: 'tool_call_arguments', index: call.index, arguments: call.arguments });
          }
        }
      };
      return chunks.subscribe({
        next: (chunk) => {
          try {
            text += chunk.content;
            const logprobs = chunk.completion_probabilities;
            if (logprobs?.length) subscriber.next({ type: 'logprobs', logprobs });
            if (!chunk.stop) {
              const next = format.parse(text, false, context);
              emit(diffMessages(previous, next));
              previous = next;
              return;
            }
            const final = format.parse(text, true, context);
            emit(diffFinal(previous, final));
            for (const call of final.toolCalls) check(call.name, call.arguments);
            subscriber.next({ type: 'done', finishReason: toolFinishReason(final, chunk), usage: usageOf(chunk) });
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
