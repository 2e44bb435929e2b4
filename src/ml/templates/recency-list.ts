/** An item of a {@link RecencyList}: the list threads through these two fields. */
export interface RecencyLinked<T> {
  newer: T | undefined;
  older: T | undefined;
}

/**
 * A doubly linked list ordered by last use, threaded through its items so moving an item to the
 * front is O(1) without allocation (the eviction order of a template tree).
 */
export class RecencyList<T extends RecencyLinked<T>> {
  newest: T | undefined;
  oldest: T | undefined;

  /** Moves (or inserts) an item at the newest end. */
  touch(item: T): void {
    if (this.newest === item) return;
    if (item.newer) item.newer.older = item.older;
    if (item.older) item.older.newer = item.newer;
    else if (this.oldest === item) this.oldest = item.newer;
    item.older = this.newest;
    item.newer = undefined;
    if (this.newest) this.newest.newer = item;
    this.newest = item;
    this.oldest ??= item;
  }

  remove(item: T): void {
    if (item.newer) item.newer.older = item.older;
    else if (this.newest === item) this.newest = item.older;
    if (item.older) item.older.newer = item.newer;
    else if (this.oldest === item) this.oldest = item.newer;
    item.newer = item.older = undefined;
  }
}
