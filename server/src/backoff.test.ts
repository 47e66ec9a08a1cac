import { describe, expect, it } from 'vitest';
import { RetryGroup, backoffDelay } from './backoff.js';

const policy = { baseMs: 100, maxMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling with every attempt up to the maximum', () => {
    const top = (attempt: number) => backoffDelay(attempt, policy, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('waits at least half the ceiling with equal jitter', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(300);
  });

  it('may wait anything from 0 to the ceiling with full jitter', () => {
    const full = { ...policy, jitter: 'full' as const };
    expect(backoffDelay(3, full, () => 0)).toBe(0);
    expect(backoffDelay(3, full, () => 0.5)).toBe(200);
    expect(backoffDelay(3, full, () => 1)).toBe(400);
  });

  it('treats attempt 0 like the first retry and never overflows on huge attempt numbers', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(10_000, policy, () => 1)).toBe(1_000);
  });
});

describe('RetryGroup', () => {
  it('wakes every waiting retry at once when the resource answers', async () => {
    const group = new RetryGroup();
    const woken: number[] = [];
    const waits = [1, 2, 3].map((i) => group.wait(60_000).then(() => woken.push(i)));
    expect(group.waiting).toBe(3);
    group.succeeded();
    await Promise.all(waits);
    expect(woken.sort()).toEqual([1, 2, 3]);
    expect(group.waiting).toBe(0);
  });

  it('lets a wait end by itself when nothing succeeds', async () => {
    const group = new RetryGroup();
    await group.wait(5);
    expect(group.waiting).toBe(0);
  });
});
