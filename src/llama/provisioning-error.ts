/** Raised when llama-server cannot be located, fetched or built; its message says what to do. */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}
