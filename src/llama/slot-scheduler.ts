/**
 * Hands out llama-server's parallel slots (`-np/--parallel`, `id_slot` of `POST /completion`, per
 * llama.cpp tools/server/README.md) to requests:
 *
 *   acquire ─slot free─▶ leased ─release()─▶ free (next waiter takes it)
 *      └─all busy─▶ queued (FIFO, at most `queueSize`) ─slot freed─▶ leased
 *      └─queue full─▶ QueueFullError (the API answers 429 with Retry-After)
 *
 * Prompt-cache routing: each slot remembers the last prompt it processed (llama-server keeps that
 * prompt's KV cache in the slot, `cache_prompt`). A request takes the free slot whose remembered
 * prompt it continues — common prefix at least half of that prompt — with the longest common
 * prefix, so an agent loop's follow-up lands where its history is cached; otherwise the least
 * recently used free slot. A busy slot is never waited for when another is free, so this never
 * serializes unrelated requests.
 */
export class SlotScheduler {
  private readonly slots: SlotState[] = [];
  private readonly waiters: Waiter[] = [];
  private clock = 0;
  /** Exponentially weighted mean time a lease is held, in ms (seeds Retry-After). */
  private meanLeaseMs = 1000;

  /**
   * @param options.slots number of slots (llama-server's `total_slots`); `resize` changes it
   * @param options.queueSize how many requests may wait for a slot; default 4 × slots
   * @param options.onQueueChange told the number of waiting requests whenever it changes
   */
  constructor(
    private readonly options: { slots: number; queueSize?: number; onQueueChange?: (queued: number) => void },
  ) {
    this.resize(options.slots);
  }

  /** Number of slots. */
  get size(): number {
    return this.slots.length;
  }

  /** Requests waiting for a slot right now. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Maximum number of waiting requests (the configured size, else 4 × slots). */
  get queueSize(): number {
    return this.options.queueSize ?? 4 * this.slots.length;
  }

  /** Sets the number of slots (at least 1), e.g. from llama-server's `GET /props` `total_slots`. */
  resize(slots: number): void {
    const count = Math.max(1, Math.floor(slots));
    while (this.slots.length < count) {
      this.slots.push({ id: this.slots.length, busy: false, prompt: '', lastUsed: 0 });
    }
    this.slots.splice(count);
    this.dispatch();
  }

  /**
   * Resolves with a lease on a slot for `prompt` (the rendered prompt text) as soon as one is free,
   * in arrival order.
   *
   * @throws QueueFullError at once when every slot is busy and `queueSize` requests already wait
   * @throws the signal's reason (an `AbortError` by default) when `signal` aborts while waiting
   */
  acquire(prompt: string, signal?: AbortSignal): Promise<SlotLease> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const free = this.pick(prompt);
    if (free && this.waiters.length === 0) return Promise.resolve(this.lease(free, prompt));
    if (this.waiters.length >= this.queueSize) {
      return Promise.reject(new QueueFullError(this.queueSize, this.retryAfterSeconds()));
    }
    return new Promise<SlotLease>((resolve, reject) => {
      const waiter: Waiter = { prompt, resolve, reject };
      if (signal) {
        const onAbort = () => {
          this.removeWaiter(waiter);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiters.push(waiter);
      this.options.onQueueChange?.(this.waiters.length);
    });
  }

  /**
   * Seconds a rejected client should wait before retrying (HTTP `Retry-After`): the time the
   * queue ahead of it takes to drain at the mean lease duration, at least 1.
   */
  retryAfterSeconds(): number {
    const rounds = (this.waiters.length + 1) / this.slots.length;
    return Math.max(1, Math.ceil((rounds * this.meanLeaseMs) / 1000));
  }

  private lease(slot: SlotState, prompt: string): SlotLease {
    slot.busy = true;
    slot.prompt = prompt;
    const started = Date.now();
    let released = false;
    return {
      id: slot.id,
      release: () => {
        if (released) return;
        released = true;
        this.meanLeaseMs = 0.8 * this.meanLeaseMs + 0.2 * (Date.now() - started);
        slot.busy = false;
        slot.lastUsed = ++this.clock;
        this.dispatch();
      },
    };
  }

  /** The free slot for `prompt` (see the class comment), or undefined when all are busy. */
  private pick(prompt: string): SlotState | undefined {
    let best: SlotState | undefined;
    let bestPrefix = 0;
    let leastRecent: SlotState | undefined;
    for (const slot of this.slots) {
      if (slot.busy) continue;
      if (!leastRecent || slot.lastUsed < leastRecent.lastUsed) leastRecent = slot;
      const prefix = commonPrefixLength(slot.prompt, prompt);
      if (prefix > 0 && prefix * 2 >= slot.prompt.length && prefix > bestPrefix) {
        best = slot;
        bestPrefix = prefix;
      }
    }
    return best ?? leastRecent;
  }

  private dispatch(): void {
    let changed = false;
    while (this.waiters.length > 0) {
      const slot = this.pick(this.waiters[0].prompt);
      if (!slot) break;
      const waiter = this.waiters.shift()!;
      changed = true;
      waiter.detach?.();
      waiter.resolve(this.lease(slot, waiter.prompt));
    }
    if (changed) this.options.onQueueChange?.(this.waiters.length);
  }

  private removeWaiter(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    this.waiters.splice(index, 1);
    this.options.onQueueChange?.(this.waiters.length);
  }
}

/** A slot held by one request; `release()` (idempotent) frees it for the next. */
export interface SlotLease {
  /** llama-server's slot id, sent as `id_slot`. */
  readonly id: number;
  release(): void;
}

/** Every slot is busy and the wait queue is full; retry after `retryAfterSeconds`. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  constructor(
    readonly queueSize: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `All llama-server slots are busy and ${queueSize} requests are already waiting; ` +
        `retry after ${retryAfterSeconds} s.`,
    );
  }
}

/** Length of the longest common prefix of two strings, in UTF-16 code units. */
export function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

interface SlotState {
  id: number;
  busy: boolean;
  /** The last prompt this slot processed (what llama-server's prompt cache holds there). */
  prompt: string;
  /** Logical time of the last release; 0 = never used. */
  lastUsed: number;
}

interface Waiter {
  prompt: string;
  resolve: (lease: SlotLease) => void;
  reject: (error: unknown) => void;
  detach?: () => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
