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
