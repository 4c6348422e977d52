import { LRUCache } from 'lru-cache';
import { canonicalHash } from './canonical-json';
import { schemaToGbnf } from './gbnf-builder';
import { ConversionOptions } from './schema-tree';

/**
 * Compiled grammars by schema: an LRU (npm `lru-cache`) keyed by the SHA-256 of the canonical JSON
 * of `{ schema, options }`, so equal schemas written with keys in another order share one entry,
 * bounded both in entries and in the grammars' total length (one grammar may be hundreds of kB).
 * Refusals are not cached (they are cheap to recompute and carry the caller's context).
 */
export class GrammarCache {
  private readonly cache: LRUCache<string, string>;

  /**
   * @param max number of grammars kept
   * @param onLookup told whether each `get` was a hit (for metrics)
   * @param maxChars total length of the grammars kept, in characters (a longer one is not kept)
   */
  constructor(
    max = 256,
    private readonly onLookup?: (hit: boolean) => void,
    maxChars = 32 * 2 ** 20,
  ) {
    this.cache = new LRUCache<string, string>({ max, maxSize: maxChars, sizeCalculation: (grammar) => Math.max(1, grammar.length) });
  }

  /**
   * The grammar of `schema` (see `schemaToGbnf`), converted once per distinct schema and options.
   *
   * @throws SchemaConversionError as `schemaToGbnf`
   */
  get(schema: unknown, options: ConversionOptions = {}): string {
    const key = canonicalHash({ schema, options });
    const hit = this.cache.get(key);
    this.onLookup?.(hit !== undefined);
    if (hit !== undefined) return hit;
    const grammar = schemaToGbnf(schema, options);
    this.cache.set(key, grammar);
    return grammar;
  }

  /** Number of grammars held. */
  get size(): number {
    return this.cache.size;
  }
}
