type Segment =
  | { kind: 'exact'; text: string }
  | { kind: 'glob'; text: string }
  | { kind: 'any' }
  | { kind: 'deep' };

type Path = readonly Segment[];

/** A position in one path: `at` is the index of the next segment to match. */
interface PathState {
  path: Path;
  at: number;
}

/**
 * The set of path positions reached at one node. `full` means some path matched completely,
 * so the node's whole subtree is selected. Transitions are memoised per key because every
 * item of a bulk response walks the same few keys.
 */
class StateSet {
  private readonly transitions = new Map<string, StateSet>();

  constructor(
    readonly states: readonly PathState[],
    readonly full: boolean,
  ) {}

  static initial(paths: readonly Path[]): StateSet {
    const states: PathState[] = [];
    let full = false;
    for (const path of paths) full = addWithClosure(states, path, 0) || full;
    return new StateSet(states, full);
  }

  step(key: string): StateSet {
    const known = this.transitions.get(key);
    if (known !== undefined) return known;
    const states: PathState[] = [];
    let full = false;
    for (const { path, at } of this.states) {
      const segment = path[at];
      if (segment === undefined) continue;
      if (segment.kind === 'deep') {
        // `**` consumes this key and stays; matching zero keys was added by the closure.
        full = addWithClosure(states, path, at) || full;
      } else if (matches(segment, key)) {
        full = addWithClosure(states, path, at + 1) || full;
      }
    }
    const next = new StateSet(states, full);
    this.transitions.set(key, next);
    return next;
  }
}

/** Adds a position plus the positions reachable by letting `**` match nothing; true on a full match. */
function addWithClosure(states: PathState[], path: Path, at: number): boolean {
  let position = at;
  for (;;) {
    if (position === path.length) return true;
    if (!states.some((s) => s.path === path && s.at === position)) {
      states.push({ path, at: position });
    }
    if (path[position]?.kind !== 'deep') return false;
    position++;
  }
}

function matches(segment: Segment, key: string): boolean {
  switch (segment.kind) {
    case 'any':
    case 'deep':
      return true;
    case 'exact':
      return segment.text === key;
    case 'glob':
      return globMatches(segment.text, key);
  }
}

/** `*` matches any run of characters; the classic linear backtracking match, no regex. */
function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

function compileSegment(text: string): Segment {
  if (text === '**') return { kind: 'deep' };
  if (text === '*') return { kind: 'any' };
  return text.includes('*') ? { kind: 'glob', text } : { kind: 'exact', text };
}

/**
 * Elasticsearch's `filter_path` response filtering: comma-separated dotted paths, `*` for one
 * key, `**` for any depth, `-` to exclude. Arrays are transparent, and objects or arrays that
 * filtering leaves empty are dropped, as Elasticsearch does; nothing left at all gives `{}`.
 * Exclusions apply first, then inclusions (Elasticsearch's documented order).
 * Unselected subtrees are shared with `value`, not copied.
 */
export function applyFilterPath(value: unknown, filterPath: string): unknown {
  const includes: Path[] = [];
  const excludes: Path[] = [];
  for (const raw of filterPath.split(',')) {
    let expression = raw.trim();
    const exclude = expression.startsWith('-');
    if (exclude) expression = expression.slice(1);
    const path = expression
      .split('.')
      .filter((part) => part.length > 0)
      .map(compileSegment);
    if (path.length === 0) continue;
    (exclude ? excludes : includes).push(path);
  }

  let result = value;
  if (excludes.length > 0) {
    const root = StateSet.initial(excludes);
    result = root.full ? undefined : exclude(result, root);
  }
  if (includes.length > 0 && result !== undefined) {
    const root = StateSet.initial(includes);
    result = root.full ? result : include(result, root);
  }
  return result === undefined ? {} : result;
}

function include(value: unknown, set: StateSet): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const element of value) {
      // A scalar inside an array cannot match a path that still has segments to go.
      if (!isContainer(element)) continue;
      const kept = include(element, set);
      if (kept !== undefined) out.push(kept);
    }
    return out.length > 0 ? out : undefined;
  }
  if (!isContainer(value)) return undefined;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let kept = false;
  for (const key of Object.keys(source)) {
    const next = set.step(key);
    const child = source[key];
    let selected: unknown;
    if (next.full) selected = child;
    else if (next.states.length > 0) selected = include(child, next);
    if (selected !== undefined) {
      setOwn(out, key, selected);
      kept = true;
    }
  }
  return kept ? out : undefined;
}

function exclude(value: unknown, set: StateSet): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const element of value as unknown[]) {
      const kept = isContainer(element) ? exclude(element, set) : element;
      if (kept !== undefined) out.push(kept);
    }
    return out.length > 0 ? out : undefined;
  }
  if (!isContainer(value)) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let kept = false;
  for (const key of Object.keys(source)) {
    const next = set.step(key);
    if (next.full) continue;
    const child = source[key];
    const selected = next.states.length > 0 ? exclude(child, next) : child;
    if (selected !== undefined) {
      setOwn(out, key, selected);
      kept = true;
    }
  }
  return kept ? out : undefined;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

// A plain assignment of a `__proto__` key would replace the prototype instead of adding a key.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
