// The set of requests in flight, as an array in which each member knows its own index. Not a
// Set: V8 rebuilds a Set's hash table as it grows and shrinks, and the table it drops still points
// at its members and at the table that replaced it. Once one such table has lived long enough to
// reach the old generation, each dropped table keeps the next one, and every request it held,
// alive through young-generation collections, which then copy and promote them all. Under 32
// concurrent connections with answers from a later turn (the Lambda runtime), that promoted
// ~350 KB per scavenge and spent ~15 % of the time in scavenges (docs/invoker.md, "Garbage
// collection"). An array with swap-remove keeps one backing store and clears the slot it frees.

export interface Slotted {
  /** Index in the list while a member, -1 otherwise. */
  slot: number;
}

export class SlotList<T extends Slotted> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(x: T): void {
    if (x.slot >= 0) return;
    x.slot = this.items.length;
    this.items.push(x);
  }

  delete(x: T): boolean {
    const i = x.slot;
    if (i < 0 || this.items[i] !== x) return false;
    const last = this.items.pop()!;
    if (last !== x) {
      this.items[i] = last;
      last.slot = i;
    }
    x.slot = -1;
    return true;
  }

  has(x: T): boolean {
    return x.slot >= 0 && this.items[x.slot] === x;
  }

  /** A copy: members may leave the list while the caller walks it. */
  snapshot(): T[] {
    return this.items.slice();
  }
}
