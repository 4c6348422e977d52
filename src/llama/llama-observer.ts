import { CompletionResult } from './completion-types';
import type { SupervisorState } from './llama-server-supervisor';

/**
 * Told about llama-server's work and lifecycle, for metrics (implemented by
 * `metrics/metrics.service.ts`, provided under `LLAMA_OBSERVER`; absent in bare set-ups).
 */
export interface LlamaObserver {
  /** A streamed `/completion` produced its first event `seconds` after the request was sent. */
  firstToken(seconds: number): void;
  /** A `/completion` finished: `result` is llama-server's last answer (token counts, `timings`). */
  completionFinished(result: CompletionResult): void;
  /** The spawned llama-server changed state (see `LlamaServerSupervisor`). */
  upstreamStateChanged(state: SupervisorState): void;
}

/** Injection token of the `LlamaObserver`. */
export const LLAMA_OBSERVER = Symbol('LlamaObserver');
