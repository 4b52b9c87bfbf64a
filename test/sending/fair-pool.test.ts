import { describe, expect, it } from 'vitest';
import { FairPool } from '../../src/sending/fair-pool.ts';

/** Queues `count` tasks per owner at once and records the order in which they start. */
async function startOrder(pool: FairPool, work: [owner: string, count: number][]): Promise<string[]> {
  const started: string[] = [];
  const tasks = work.flatMap(([owner, count]) =>
    Array.from({ length: count }, () =>
      pool.run(owner, async () => {
        started.push(owner);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }),
    ),
  );
  await Promise.all(tasks);
  return started;
}

describe('FairPool', () => {
  it('never runs more tasks at once than it has slots', async () => {
    const pool = new FairPool(3);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        pool.run(i % 2 ? 'a' : 'b', async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it("gives a small owner's tasks a turn while a large owner's queue is long", async () => {
    const started = await startOrder(new FairPool(1), [
      ['large', 50],
      ['small', 3],
    ]);
    // Round-robin: the small owner's three tasks start among the first seven, not after fifty.
    const lastSmall = started.lastIndexOf('small');
    expect(lastSmall).toBeLessThan(7);
    expect(started.filter((owner) => owner === 'large')).toHaveLength(50);
  });

  it('gives an owner with weight w up to w slots per turn', async () => {
    const started = await startOrder(new FairPool(1, new Map([['heavy', 3]])), [
      ['heavy', 9],
      ['light', 3],
    ]);
    // The very first task starts before the light owner has queued anything; from then on, turns of three.
    expect(started.slice(1, 9)).toEqual([
      'heavy',
      'heavy',
      'heavy',
      'light',
      'heavy',
      'heavy',
      'heavy',
      'light',
    ]);
  });

  it('is a plain FIFO limiter with one owner', async () => {
    const order: number[] = [];
    const pool = new FairPool(2);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pool.run('', async () => {
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('FairPool with a spacing before each start (LEASINGTAKER_MAX_RPS)', () => {
  it('awaits it inside the slot, right before each task: a task never starts ahead of its spacing', async () => {
    const events: string[] = [];
    let spacings = 0;
    const pool = new FairPool(1, new Map(), async () => {
      spacings += 1;
      events.push(`spacing ${spacings}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    });
    await Promise.all(
      [1, 2, 3].map((n) =>
        pool.run('a', async () => {
          events.push(`task ${n}`);
        }),
      ),
    );
    expect(events).toEqual(['spacing 1', 'task 1', 'spacing 2', 'task 2', 'spacing 3', 'task 3']);
  });
});
