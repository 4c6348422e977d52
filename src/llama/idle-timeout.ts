/**
 * An `AbortSignal` for one upstream request that aborts when the request has been idle — no
 * `touch()` — for `ms` milliseconds (then `timedOut` is true), or when `parent` aborts. Without
 * `ms` only the parent aborts it. `dispose()` stops the timer and detaches from the parent.
 */
export class IdleTimeout {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private expired = false;
  private readonly onParentAbort = () => this.controller.abort(this.parent?.reason);

  constructor(
    private readonly ms: number | undefined,
    private readonly parent?: AbortSignal,
  ) {
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the idle time ran out (and the signal was aborted for it). */
  get timedOut(): boolean {
    return this.expired;
  }

  /** Something arrived: restart the idle timer. */
  touch(): void {
    if (!this.ms || this.controller.signal.aborted) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, this.ms);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}
