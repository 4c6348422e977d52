import { GrammarCache } from './grammar-cache';

describe('GrammarCache', () => {
  it('converts a schema once and tells each lookup whether it was a hit', () => {
    const lookups: boolean[] = [];
    const cache = new GrammarCache(8, (hit) => lookups.push(hit));
    const first = cache.get({ type: 'object', properties: { a: { type: 'integer' } } });
    const again = cache.get({ properties: { a: { type: 'integer' } }, type: 'object' });
    expect(again).toBe(first);
    expect(cache.size).toBe(1);
    expect(lookups).toEqual([false, true]);
  });
});
