import { type TokenBuffer, WORD } from './log-tokenizer';
import { type PatternCluster, TreeNode } from './pattern-cluster';
import { WILDCARD } from './user-pattern';

/**
 * Drain's fixed-depth routing tree: first level by token count, then one level per key word;
 * the leaves hold the patterns a line is compared with. Keys are the line's first `depth` plain
 * words (letters, with inner `-` or `'`): masked variables and identifier-like words (digits,
 * `.`, `_`, `/`, `$`...: program names, hosts, users) are skipped, so a variable at the start of
 * a line never splits its template. A node with `maxChildren` children sends new keys to `<*>`.
 */
export class PrefixTree {
  readonly #root = new Map<number, TreeNode>();

  constructor(
    private readonly depth: number,
    private readonly maxChildren: number,
  ) {}

  /** The leaf a line is compared in (an exact key, else the `<*>` child), or undefined. */
  find(buf: TokenBuffer): TreeNode | undefined {
    let node = this.#root.get(buf.length);
    for (let i = 0, level = 0; node && i < buf.length && level < this.depth; i++) {
      if (buf.kind[i] !== WORD) continue;
      const text = buf.text[i] as string;
      if (!isPlainWord(text)) continue;
      level++;
      node = node.children.get(text) ?? node.children.get(WILDCARD);
    }
    return node;
  }

  /** The leaf where a new pattern for this line goes (created as needed), with its path. */
  place(buf: TokenBuffer): { leaf: TreeNode; path: string[] } {
    let node = this.#lengthNode(buf.length);
    const path: string[] = [];
    for (let i = 0; i < buf.length && path.length < this.depth; i++) {
      if (buf.kind[i] !== WORD) continue;
      const key = buf.text[i] as string;
      if (!isPlainWord(key)) continue;
      let child = node.children.get(key);
      if (!child) {
        const k = node.children.size < this.maxChildren ? key : WILDCARD;
        child = node.children.get(k);
        if (!child) {
          child = new TreeNode(node, k);
          node.children.set(k, child);
        }
      }
      path.push(child.key);
      node = child;
    }
    return { leaf: node, path };
  }

  /** The node at a stored path, created as needed (restoring a snapshot). */
  at(length: number, path: readonly string[]): TreeNode {
    let node = this.#lengthNode(length);
    for (const key of path) {
      let child = node.children.get(key);
      if (!child) {
        child = new TreeNode(node, key);
        node.children.set(key, child);
      }
      node = child;
    }
    return node;
  }

  /** Takes a pattern out of its leaf and prunes the nodes left empty. */
  remove(cluster: PatternCluster): void {
    const leaf = cluster.leaf;
    leaf.clusters.splice(leaf.clusters.indexOf(cluster), 1);
    let node: TreeNode = leaf;
    while (node.clusters.length === 0 && node.children.size === 0) {
      if (!node.parent) {
        this.#root.delete(cluster.tokens.length);
        break;
      }
      node.parent.children.delete(node.key);
      node = node.parent;
    }
  }

  #lengthNode(length: number): TreeNode {
    let node = this.#root.get(length);
    if (!node) {
      node = new TreeNode(undefined, String(length));
      this.#root.set(length, node);
    }
    return node;
  }
}

export function isPlainWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) continue;
    if ((c === 45 || c === 39) && i > 0 && i < s.length - 1) continue;
    return false;
  }
  return s.length > 0;
}
