/**
 * The memory bounds read the process's memory at most every MEMORY_SAMPLE_MS,
 * and decide from the latest reading. A clock and a reader written here drive
 * them: no real clock, no real memory.
 */
import { describe, expect, it } from 'vitest';
import { MEMORY_SAMPLE_MS, MemoryMeter, memoryVerdictOf, type MemorySample } from '../../explorer/search/limits.js';

const MB = 1e6;
const mem = (rss: number, over: Partial<MemorySample> = {}): MemorySample => ({ rss, mapped: 0, heapUsed: 10 * MB, heapLimit: 4000 * MB, ...over });

describe('the memory meter', () => {
  it('reads at the first call, then again only once its reading is MEMORY_SAMPLE_MS old', () => {
    let clock = 1000;
    const reads: number[] = [];
    const meter = new MemoryMeter(() => {
      reads.push(clock);
      return mem(reads.length * MB);
    }, () => clock);
    expect(meter.sample().rss).toBe(1 * MB);
    for (let i = 0; i < 1000; i++) {
      clock += (MEMORY_SAMPLE_MS - 1) / 1000;
      expect(meter.sample().rss).toBe(1 * MB);
    }
    clock = 1000 + MEMORY_SAMPLE_MS;
    expect(meter.sample().rss).toBe(2 * MB);
    expect(meter.sample().rss).toBe(2 * MB);
    clock += 10 * MEMORY_SAMPLE_MS;
    expect(meter.sample().rss).toBe(3 * MB);
    expect(reads).toEqual([1000, 1000 + MEMORY_SAMPLE_MS, 1000 + 11 * MEMORY_SAMPLE_MS]);
  });

  it('a meter polled once a second reads every time', () => {
    let clock = 0;
    let n = 0;
    const meter = new MemoryMeter(() => mem(++n * MB), () => clock, 100);
    for (let i = 1; i <= 5; i++) {
      clock += 1000;
      expect(meter.sample().rss).toBe(i * MB);
    }
  });
});

describe('the memory verdict', () => {
  it('stops past the cap, counting the allocation that is due', () => {
    expect(memoryVerdictOf(mem(300 * MB), 400 * MB, 0, undefined)).toBeUndefined();
    expect(memoryVerdictOf(mem(300 * MB), 400 * MB, 100 * MB, undefined)).toBeUndefined();
    expect(memoryVerdictOf(mem(300 * MB), 400 * MB, 100 * MB + 1, undefined)).toBe('max-memory');
    expect(memoryVerdictOf(mem(401 * MB), 400 * MB, 0, undefined)).toBe('max-memory');
  });

  it('stops before the address-space limit and near the heap limit', () => {
    expect(memoryVerdictOf(mem(100 * MB, { mapped: 800 * MB }), 1000 * MB, 0, 1000 * MB)).toBeUndefined();
    expect(memoryVerdictOf(mem(100 * MB, { mapped: 800 * MB }), 1000 * MB, 50 * MB + 1, 1000 * MB)).toBe('address-space-limit');
    expect(memoryVerdictOf(mem(100 * MB, { mapped: 800 * MB }), 1000 * MB, 50 * MB + 1, undefined)).toBeUndefined();
    expect(memoryVerdictOf(mem(100 * MB, { heapUsed: 850 * MB, heapLimit: 1000 * MB }), 1000 * MB, 0, undefined)).toBeUndefined();
    expect(memoryVerdictOf(mem(100 * MB, { heapUsed: 851 * MB, heapLimit: 1000 * MB }), 1000 * MB, 0, undefined)).toBe('heap-limit');
  });
});
