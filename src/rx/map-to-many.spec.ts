import { firstValueFrom, from, Subject, toArray } from 'rxjs';
import { mapToMany } from './map-to-many';

describe('mapToMany', () => {
  it('emits the values each value maps to, in order, and completes with the source', async () => {
    const out = await firstValueFrom(from([1, 2, 3]).pipe(mapToMany((n) => Array.from({ length: n - 1 }, () => n)), toArray()));
    expect(out).toEqual([2, 3, 3]);
  });

  it('errors the output and unsubscribes from the source when the projection throws', () => {
    const source = new Subject<number>();
    const seen: number[] = [];
    let failure: unknown;
    source.pipe(mapToMany((n) => {
      if (n === 2) throw new Error('two');
      return [n];
    })).subscribe({ next: (n) => seen.push(n), error: (e: unknown) => (failure = e) });
    source.next(1);
    source.next(2);
    expect(seen).toEqual([1]);
    expect((failure as Error).message).toBe('two');
    expect(source.observed).toBe(false);
  });

  it('passes the source error on', () => {
    const source = new Subject<number>();
    let failure: unknown;
    source.pipe(mapToMany((n) => [n])).subscribe({ error: (e: unknown) => (failure = e) });
    source.error(new Error('upstream'));
    expect((failure as Error).message).toBe('upstream');
  });
});
