import { IdleTimeout } from './idle-timeout';

describe('IdleTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts after the idle time, and touch() restarts it', () => {
    const idle = new IdleTimeout(1000);
    jest.advanceTimersByTime(900);
    idle.touch();
    jest.advanceTimersByTime(900);
    expect(idle.signal.aborted).toBe(false);
    jest.advanceTimersByTime(200);
    expect(idle.signal.aborted).toBe(true);
    expect(idle.timedOut).toBe(true);
  });

  it('follows its parent signal without counting as a timeout', () => {
    const parent = new AbortController();
    const idle = new IdleTimeout(1000, parent.signal);
    parent.abort();
    expect(idle.signal.aborted).toBe(true);
    expect(idle.timedOut).toBe(false);
    expect(new IdleTimeout(1000, parent.signal).signal.aborted).toBe(true);
  });

  it('never fires without a time or after dispose()', () => {
    const none = new IdleTimeout(undefined);
    const disposed = new IdleTimeout(1000);
    disposed.dispose();
    jest.advanceTimersByTime(10_000);
    expect(none.signal.aborted).toBe(false);
    expect(disposed.signal.aborted).toBe(false);
  });
});
