/** llama-server cannot be reached or is not ready (down, restarting, refused the connection). */
export class UpstreamUnavailableError extends Error {
  override readonly name = 'UpstreamUnavailableError';
}

/** llama-server answered with an error status; `status` and its own message are kept. */
export class UpstreamResponseError extends Error {
  override readonly name = 'UpstreamResponseError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * llama-server sent nothing for longer than `--timeout` (before the first byte of its answer, or
 * between two streamed events): it is hung or overloaded. The upstream request has been aborted.
 */
export class UpstreamTimeoutError extends Error {
  override readonly name = 'UpstreamTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`llama-server sent nothing for ${timeoutMs / 1000} s (--timeout); the request was aborted`);
  }
}
