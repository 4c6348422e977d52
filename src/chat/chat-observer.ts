/** What became of a tool call the model started: returned, refused by its schema, or cut off. */
export type ToolCallOutcome = 'valid' | 'invalid' | 'truncated';

/**
 * Told about tool calls and grammar-cache lookups, for metrics (implemented by
 * `metrics/metrics.service.ts`, provided under `CHAT_OBSERVER`; absent in bare set-ups).
 */
export interface ChatObserver {
  /** `count` tool calls in tool format `format` ended with `outcome`. */
  toolCalls(format: string, outcome: ToolCallOutcome, count: number): void;
  /** A `response_format` / `json_schema` grammar was looked up in the grammar cache. */
  grammarCacheLookup(hit: boolean): void;
}

/** Injection token of the `ChatObserver`. */
export const CHAT_OBSERVER = Symbol('ChatObserver');
