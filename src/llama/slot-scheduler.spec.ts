import { commonPrefixLength, QueueFullError, SlotScheduler } from './slot-scheduler';

describe('SlotScheduler', () => {
  const history = 'system: be terse\nuser: list files\nassistant: <tool_call>ls</tool_call>\n';

  it('leases distinct slots concurrently, then queues', async () => {
    const scheduler = new SlotScheduler({ slots: 2, queueSize: 1 });
    const a = await scheduler.acquire('a');
    const b = await scheduler.acquire('b');
    expect(new Set([a.id, b.id])).toEqual(new Set([0, 1]));
    let third: number | undefined;
    void scheduler.acquire('c').then((lease) => (third = lease.id));
    await Promise.resolve();
    expect(third).toBeUndefined();
    expect(scheduler.queued).toBe(1);
    b.release();
    await Promise.resolve();
    expect(third).toBe(b.id);
    expect(scheduler.queued).toBe(0);
  });

  it('rejects with QueueFullError and a Retry-After estimate when the queue is full', async () => {
    const scheduler = new SlotScheduler({ slots: 1, queueSize: 1 });
    await scheduler.acquire('a');
    void scheduler.acquire('b');
    const rejected = scheduler.acquire('c');
    await expect(rejected).rejects.toBeInstanceOf(QueueFullError);
    await expect(rejected).rejects.toMatchObject({ queueSize: 1, retryAfterSeconds: expect.any(Number) });
    expect(((await rejected.catch((e: QueueFullError) => e)) as QueueFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('defaults the queue to 4 × slots and follows resize', () => {
    const scheduler = new SlotScheduler({ slots: 1 });
    expect(scheduler.queueSize).toBe(4);
    scheduler.resize(3);
    expect(scheduler.size).toBe(3);
    expect(scheduler.queueSize).toBe(12);
  });

  it('serves waiters in arrival order', async () => {
    const scheduler = new SlotScheduler({ slots: 1, queueSize: 10 });
    const first = await scheduler.acquire('x');
    const order: string[] = [];
    const waiting = ['p', 'q', 'r'].map((name) =>
      scheduler.acquire(name).then((lease) => {
        order.push(name);
        lease.release();
      }),
    );
    first.release();
    await Promise.all(waiting);
    expect(order).toEqual(['p', 'q', 'r']);
  });

  it('routes a follow-up to the free slot holding its prefix', async () => {
    const scheduler = new SlotScheduler({ slots: 3 });
    const leases = await Promise.all([scheduler.acquire('other conversation'), scheduler.acquire(history), scheduler.acquire('third')]);
    const historySlot = leases[1].id;
    leases.forEach((lease) => lease.release());
    const followUp = await scheduler.acquire(`${history}tool: a.txt\n`);
    expect(followUp.id).toBe(historySlot);
  });

  it('does not evict a conversation for a prompt sharing only a little of it', async () => {
    const scheduler = new SlotScheduler({ slots: 2 });
    const held = await scheduler.acquire(history);
    held.release();
    const unrelated = await scheduler.acquire('system: be terse\nuser: something else entirely, and long');
    expect(unrelated.id).not.toBe(held.id);
  });

  it('never waits for the preferred slot while another is free', async () => {
    const scheduler = new SlotScheduler({ slots: 2 });
    const first = await scheduler.acquire(history);
    const followUp = await scheduler.acquire(`${history}tool: a.txt\n`);
    expect(followUp.id).not.toBe(first.id);
  });

  it('frees a slot once however often release is called', async () => {
    const scheduler = new SlotScheduler({ slots: 1, queueSize: 2 });
    const lease = await scheduler.acquire('a');
    const next = scheduler.acquire('b');
    lease.release();
    lease.release();
    await next;
    void scheduler.acquire('c');
    expect(scheduler.queued).toBe(1);
  });

  it('drops a waiter whose signal aborts, rejecting with the reason', async () => {
    const onQueueChange = jest.fn();
    const scheduler = new SlotScheduler({ slots: 1, queueSize: 2, onQueueChange });
    const held = await scheduler.acquire('a');
    const abort = new AbortController();
    const waiting = scheduler.acquire('b', abort.signal);
    expect(scheduler.queued).toBe(1);
    abort.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
    expect(scheduler.queued).toBe(0);
    expect(onQueueChange.mock.calls).toEqual([[1], [0]]);
    held.release();
    await expect(scheduler.acquire('d')).resolves.toMatchObject({ id: held.id });
    await expect(scheduler.acquire('c', abort.signal)).rejects.toThrow('client gone');
  });
});

describe('commonPrefixLength', () => {
  it('counts the shared leading code units', () => {
    expect(commonPrefixLength('abcd', 'abxy')).toBe(2);
    expect(commonPrefixLength('', 'a')).toBe(0);
    expect(commonPrefixLength('same', 'same')).toBe(4);
  });
});
