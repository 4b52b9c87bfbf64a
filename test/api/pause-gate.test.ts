import { describe, expect, it } from 'vitest';
import { createPauseGate } from '../../src/api/pause-gate.ts';

describe('createPauseGate', () => {
  it('lets everyone through at once when not paused', async () => {
    const gate = createPauseGate();
    const started = performance.now();
    await Promise.all(Array.from({ length: 100 }, () => gate.wait()));
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('holds every waiter until the pause is over', async () => {
    const gate = createPauseGate();
    gate.pauseUntil(Date.now() + 150);
    const started = Date.now();
    const waited = await Promise.all(
      Array.from({ length: 8 }, () => gate.wait().then(() => Date.now() - started)),
    );
    for (const ms of waited) expect(ms).toBeGreaterThanOrEqual(145);
  });

  it('keeps the later of two pauses, also for those already waiting', async () => {
    const gate = createPauseGate();
    const started = Date.now();
    gate.pauseUntil(started + 200);
    const waiting = gate.wait();
    gate.pauseUntil(started + 50);
    expect(gate.pausedUntil).toBe(started + 200);
    setTimeout(() => gate.pauseUntil(started + 300), 100);
    await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('stops waiting when the signal aborts', async () => {
    const gate = createPauseGate();
    gate.pauseUntil(Date.now() + 10_000);
    const controller = new AbortController();
    const waiting = gate.wait(controller.signal);
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});
