/**
 * Items queued under keys (one per client), taken one key at a time in turn and oldest first within a key, so
 * a key with a long backlog delays another key's item by at most one of its own.
 */
export class RoundRobinQueue<K, T> {
  // A Map iterates in insertion order, so moving a key to the end after its turn makes the Map the rotation.
  // It also keeps keys such as "__proto__" ordinary, unlike a plain object. No key holds an empty list.
  readonly #byKey = new Map<K, T[]>();
  #size = 0;

  /** Items queued under all keys. */
  get size(): number {
    return this.#size;
  }

  /** Items queued under `key`. */
  sizeOf(key: K): number {
    return this.#byKey.get(key)?.length ?? 0;
  }

  /** Queues `item` behind the other items of `key`; a key new to the queue takes its turn after the others. */
  push(key: K, item: T): void {
    const items = this.#byKey.get(key);
    if (items === undefined) this.#byKey.set(key, [item]);
    else items.push(item);
    this.#size += 1;
  }

  /** Takes the oldest item of the key whose turn it is, and moves that key to the end of the rotation. */
  shift(): T | undefined {
    const turn = this.#byKey.entries().next();
    if (turn.done === true) return undefined;
    const [key, items] = turn.value;
    const item = items.shift();
    this.#byKey.delete(key);
    if (items.length > 0) this.#byKey.set(key, items);
    this.#size -= 1;
    return item;
  }

  /** Removes `item` from the items of `key`; false when it is not queued there. */
  remove(key: K, item: T): boolean {
    const items = this.#byKey.get(key);
    const index = items?.indexOf(item) ?? -1;
    if (items === undefined || index === -1) return false;
    items.splice(index, 1);
    if (items.length === 0) this.#byKey.delete(key);
    this.#size -= 1;
    return true;
  }

  /** Empties the queue, returning every item. */
  drain(): T[] {
    const all = [...this.#byKey.values()].flat();
    this.#byKey.clear();
    this.#size = 0;
    return all;
  }
}
