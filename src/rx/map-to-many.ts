import { Observable, OperatorFunction } from 'rxjs';

/**
 * Maps each value to zero or more values, emitted synchronously in order (what
 * `mergeMap(v => array)` does, without an inner subscription per value: this runs once per
 * streamed token). An error thrown by `project` errors the output and unsubscribes from the source.
 */
export function mapToMany<T, R>(project: (value: T) => readonly R[]): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) =>
      source.subscribe({
        next: (value) => {
          let values: readonly R[];
          try {
            values = project(value);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          for (const v of values) subscriber.next(v);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
