import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/sending/circuit-breaker.ts';

describe('CircuitBreaker', () => {
  it('opens on the threshold-th technical failure in a row, and says so that once', () => {
    const breaker = new CircuitBreaker(3);
    expect([breaker.failure(), breaker.failure()]).toEqual([false, false]);
    expect(breaker.isOpen).toBe(false);
    expect(breaker.failure()).toBe(true);
    expect(breaker.isOpen).toBe(true);
    // Further failures do not open it again: the run is halted once, with one reason.
    expect(breaker.failure()).toBe(false);
  });

  it('counts only failures with no success between', () => {
    const breaker = new CircuitBreaker(3);
    breaker.failure();
    breaker.failure();
    breaker.success();
    expect([breaker.failure(), breaker.failure()]).toEqual([false, false]);
    expect(breaker.isOpen).toBe(false);
    expect(breaker.failure()).toBe(true);
  });

  it('stays open for the rest of the run once opened, successes or not', () => {
    const breaker = new CircuitBreaker(1);
    expect(breaker.failure()).toBe(true);
    breaker.success();
    expect(breaker.isOpen).toBe(true);
    expect(breaker.failure()).toBe(false);
  });
});
