import { describe, expect, it } from 'vitest';
import { RoundRobinQueue } from './round-robin-queue.js';

function takeAll<K, T>(queue: RoundRobinQueue<K, T>): T[] {
  const taken: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) taken.push(item);
  return taken;
}

describe('RoundRobinQueue', () => {
  it('takes one item per key in turn, oldest first within a key', () => {
    const queue = new RoundRobinQueue<string, string>();
    for (const item of ['a1', 'a2', 'a3']) queue.push('a', item);
    queue.push('b', 'b1');
    queue.push('c', 'c1');
    queue.push('b', 'b2');
    expect([queue.size, queue.sizeOf('a'), queue.sizeOf('b'), queue.sizeOf('z')]).toEqual([6, 3, 2, 0]);
    expect(takeAll(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    expect(queue.size).toBe(0);
  });

  it('puts a key that emptied and comes back at the end of the rotation', () => {
    const queue = new RoundRobinQueue<string, string>();
    queue.push('a', 'a1');
    queue.push('b', 'b1');
    queue.push('b', 'b2');
    expect(queue.shift()).toBe('a1');
    queue.push('a', 'a2');
    expect(takeAll(queue)).toEqual(['b1', 'a2', 'b2']);
  });

  it('removes a queued item, and reports an item that is not queued under that key', () => {
    const queue = new RoundRobinQueue<string, string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.push('b', 'b1');
    expect(queue.remove('b', 'a1')).toBe(false);
    expect(queue.remove('a', 'a1')).toBe(true);
    expect(queue.remove('a', 'a1')).toBe(false);
    expect(queue.remove('b', 'b1')).toBe(true);
    expect([queue.size, queue.sizeOf('a'), queue.sizeOf('b')]).toEqual([1, 1, 0]);
    expect(takeAll(queue)).toEqual(['a2']);
  });

  it('keeps the keys __proto__, constructor, "" and undefined apart', () => {
    const queue = new RoundRobinQueue<string | undefined, string>();
    const keys = ['__proto__', 'constructor', 'hasOwnProperty', '', undefined];
    for (const key of keys) queue.push(key, `${String(key)} 1`);
    queue.push('__proto__', '__proto__ 2');
    expect(keys.map((key) => queue.sizeOf(key))).toEqual([2, 1, 1, 1, 1]);
    expect(queue.sizeOf('toString')).toBe(0);
    expect(takeAll(queue)).toEqual([
      '__proto__ 1',
      'constructor 1',
      'hasOwnProperty 1',
      ' 1',
      'undefined 1',
      '__proto__ 2',
    ]);
  });

  it('drains every item and is then empty', () => {
    const queue = new RoundRobinQueue<string, number>();
    queue.push('a', 1);
    queue.push('b', 2);
    queue.push('a', 3);
    expect(queue.drain()).toEqual([1, 3, 2]);
    expect([queue.size, queue.sizeOf('a'), queue.shift()]).toEqual([0, 0, undefined]);
  });
});
