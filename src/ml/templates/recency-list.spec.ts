import { type RecencyLinked, RecencyList } from './recency-list';

class Item implements RecencyLinked<Item> {
  newer: Item | undefined;
  older: Item | undefined;
  constructor(readonly name: string) {}
}

function order(list: RecencyList<Item>): string[] {
  const out: string[] = [];
  for (let i = list.newest; i; i = i.older) out.push(i.name);
  const back: string[] = [];
  for (let i = list.oldest; i; i = i.newer) back.push(i.name);
  expect(back.reverse()).toEqual(out);
  return out;
}

describe(RecencyList.name, () => {
  it('keeps items newest first through touches and removals, consistent in both directions', () => {
    const sut = new RecencyList<Item>();
    const [a, b, c] = [new Item('a'), new Item('b'), new Item('c')];
    sut.touch(a);
    sut.touch(b);
    sut.touch(c);
    expect(order(sut)).toEqual(['c', 'b', 'a']);
    sut.touch(a);
    expect(order(sut)).toEqual(['a', 'c', 'b']);
    sut.touch(a);
    expect(order(sut)).toEqual(['a', 'c', 'b']);
    sut.remove(c);
    expect(order(sut)).toEqual(['a', 'b']);
    sut.remove(b);
    sut.remove(a);
    expect(order(sut)).toEqual([]);
    expect(sut.newest).toBeUndefined();
    expect(sut.oldest).toBeUndefined();
  });
});
