import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyVerifier, bearerToken, collectApiKeys } from './api-keys';

describe('collectApiKeys (as llama-server reads --api-key, --api-key-file, LLAMA_API_KEY)', () => {
  it('takes repeated and comma-separated flags and the environment, trimmed, without duplicates', () => {
    expect(collectApiKeys(['a', 'b, c'], undefined, 'c,d')).toEqual(['a', 'b', 'c', 'd']);
    expect(collectApiKeys(undefined, undefined, undefined)).toEqual([]);
  });

  it('reads one key per line of the key file, skipping blank and # lines', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lts-keys-')), 'keys.txt');
    writeFileSync(file, 'k1\n# a comment\n\r\nk2\r\n');
    expect(collectApiKeys(['k0'], file, undefined)).toEqual(['k0', 'k1', 'k2']);
  });

  it('names a key file it cannot read', () => {
    expect(() => collectApiKeys([], '/nonexistent/keys.txt', undefined)).toThrow(
      /cannot read --api-key-file \/nonexistent\/keys.txt/,
    );
  });
});

describe('ApiKeyVerifier', () => {
  const verifier = new ApiKeyVerifier(['sk-first', 'sk-second-longer-key']);

  it('accepts every configured key', () => {
    expect(verifier.enabled).toBe(true);
    expect(verifier.accepts('sk-first')).toBe(true);
    expect(verifier.accepts('sk-second-longer-key')).toBe(true);
  });

  it('refuses other keys, prefixes, extensions and the empty key', () => {
    for (const key of ['sk-firs', 'sk-first ', 'sk-firstx', '', 'SK-FIRST']) {
      expect(verifier.accepts(key)).toBe(false);
    }
  });

  it('is disabled and refuses everything without keys', () => {
    const none = new ApiKeyVerifier([]);
    expect(none.enabled).toBe(false);
    expect(none.accepts('')).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer authorization header, scheme case-insensitively', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
  });

  it('has none for other schemes, empty tokens and missing headers', () => {
    expect(bearerToken('Basic YWxhZGRpbjpvcGVuc2VzYW1l')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
