import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The API keys of `--api-key` (repeatable, each value possibly comma-separated), `--api-key-file`
 * (one key per line; blank lines and lines starting with `#` skipped) and env `LLAMA_API_KEY` (comma-separated), as
 * llama-server reads them (tools/server/README.md), without duplicates. Keys are trimmed.
 *
 * @throws Error naming the file when `--api-key-file` cannot be read
 */
export function collectApiKeys(
  flagValues: string[] | undefined,
  keyFile: string | undefined,
  envValue: string | undefined,
): string[] {
  const keys = [...(flagValues ?? []), envValue ?? ''].flatMap((value) => value.split(','));
  if (keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(keyFile, 'utf8');
    } catch (error) {
      throw new Error(`cannot read --api-key-file ${keyFile}: ${(error as Error).message}`);
    }
    keys.push(...text.split(/\r?\n/).filter((line) => !line.startsWith('#')));
  }
  return [...new Set(keys.map((key) => key.trim()).filter((key) => key !== ''))];
}

/**
 * Checks presented keys against the configured ones in constant time: both sides are hashed with
 * SHA-256 and compared with `crypto.timingSafeEqual`, against every key without early exit, so
 * neither a key's content nor its length leaks through timing.
 */
export class ApiKeyVerifier {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(sha256);
  }

  /** True when keys are configured (authentication is on). */
  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** True when `presented` is one of the keys (always false when none are configured). */
  accepts(presented: string): boolean {
    const digest = sha256(presented);
    let match = false;
    for (const known of this.digests) match = timingSafeEqual(digest, known) || match;
    return match;
  }
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750), if any. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1];
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
