import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlotList } from './slot-list.js';

const member = (name: string) => ({ name, slot: -1 });

test('members come and go in any order; each keeps its own index', () => {
  const list = new SlotList<ReturnType<typeof member>>();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(member) as [ReturnType<typeof member>, ReturnType<typeof member>, ReturnType<typeof member>, ReturnType<typeof member>];
  for (const x of [a, b, c, d]) list.add(x);
  assert.equal(list.size, 4);
  // Removing from the middle moves the last member into the freed slot.
  assert.equal(list.delete(b), true);
  assert.deepEqual(list.snapshot().map((x) => x.name), ['a', 'd', 'c']);
  assert.equal(d.slot, 1);
  assert.equal(b.slot, -1);
  assert.equal(list.has(b), false);
  assert.equal(list.has(d), true);
  // The last member leaves without a swap.
  assert.equal(list.delete(c), true);
  assert.deepEqual(list.snapshot().map((x) => x.name), ['a', 'd']);
  assert.equal(list.delete(a), true);
  assert.equal(list.delete(d), true);
  assert.equal(list.size, 0);
});

test('adding a member twice or removing a stranger changes nothing', () => {
  const list = new SlotList<ReturnType<typeof member>>();
  const a = member('a');
  list.add(a);
  list.add(a);
  assert.equal(list.size, 1);
  assert.equal(list.delete(member('stranger')), false);
  // A member of another list with the same index is not this list's.
  const other = new SlotList<ReturnType<typeof member>>();
  const b = member('b');
  other.add(b);
  assert.equal(list.delete(b), false);
  assert.equal(other.has(b), true);
  assert.equal(list.size, 1);
});

test('a snapshot stays whole while members leave during the walk', () => {
  const list = new SlotList<ReturnType<typeof member>>();
  const all = ['a', 'b', 'c', 'd', 'e'].map(member);
  for (const x of all) list.add(x);
  const seen: string[] = [];
  for (const x of list.snapshot()) {
    seen.push(x.name);
    list.delete(x);
  }
  assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
  assert.equal(list.size, 0);
  // Freed slots hold nothing: a removed member is not reachable from the list.
  assert.deepEqual(list.snapshot(), []);
});
