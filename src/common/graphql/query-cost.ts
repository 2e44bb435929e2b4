import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  GraphQLError,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Arguments that say how many list items a field returns; they multiply the cost below them. */
const PAGE_ARGUMENTS = ['first', 'last', 'size', 'limit'];

/** The fields of a connection type that hold its page of items. */
const CONNECTION_ITEMS = ['edges', 'nodes'];

function isConnection(type: GraphQLObjectType): boolean {
  const fields = type.getFields();
  return CONNECTION_ITEMS.some((name) => name in fields);
}

export interface CostLimits {
  maxCost: number;
  maxPageSize: number;
}

/**
 * Static cost of one operation: every object costs 1, a scalar 0 (or `extensions.cost` on its
 * definition, as set with `@Extensions({ cost })`), and a field with a page argument (`first`,
 * `size`, ...) counts that many objects, each with everything it selects; on a Relay connection
 * only `edges`/`nodes` repeat. Page sizes above
 * `maxPageSize` are refused. Variables are read from `variables` when given; a page size held in
 * an unknown variable counts as the largest allowed.
 *
 * Throws a GraphQLError (`BAD_USER_INPUT` for a page size, `COST_LIMIT_EXCEEDED` for the total).
 */
export function checkOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null,
  limits: CostLimits,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const walker = new CostWalker(schema, fragments, variables, limits);
  const cost = walker.selectionCost(root, operation.selectionSet, new Set());
  if (cost > limits.maxCost) {
    throw new GraphQLError(
      `operation cost ${Math.round(cost)} exceeds the limit of ${limits.maxCost}; ask for smaller pages or fewer fields`,
      {
        extensions: {
          code: 'COST_LIMIT_EXCEEDED',
          cost: Math.round(cost),
          maxCost: limits.maxCost,
        },
      },
    );
  }
  return cost;
}

class CostWalker {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown> | null,
    private readonly limits: CostLimits,
  ) {}

  selectionCost(
    parent: GraphQLCompositeType,
    selectionSet: SelectionSetNode,
    visiting: Set<string>,
  ): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          total += this.fieldCost(parent, selection, visiting);
          break;
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition
            ? this.schema.getType(selection.typeCondition.name.value)
            : parent;
          if (type && isCompositeType(type)) {
            total += this.selectionCost(type, selection.selectionSet, visiting);
          }
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = this.fragments.get(name);
          // Validation refuses fragment cycles; the guard keeps this walk finite regardless.
          if (!fragment || visiting.has(name)) break;
          const type = this.schema.getType(fragment.typeCondition.name.value);
          if (!type || !isCompositeType(type)) break;
          visiting.add(name);
          total += this.selectionCost(type, fragment.selectionSet, visiting);
          visiting.delete(name);
          break;
        }
      }
      // Past the limit the exact figure no longer matters; stop before numbers get silly.
      if (total > this.limits.maxCost) return total;
    }
    return total;
  }

  private fieldCost(parent: GraphQLCompositeType, node: FieldNode, visiting: Set<string>): number {
    if (node.name.value.startsWith('__')) return 0;
    const field =
      isObjectType(parent) || isInterfaceType(parent)
        ? parent.getFields()[node.name.value]
        : undefined;
    if (!field) return 0;
    const type = getNamedType(field.type);
    // Scalars come with the object that holds them; objects and lists are what cost work.
    const own =
      typeof field.extensions.cost === 'number' ? field.extensions.cost : isLeafType(type) ? 0 : 1;
    const pageSize = Math.max(this.pageSize(field, node), 1);
    if (!node.selectionSet || !isCompositeType(type)) return own;
    if (pageSize > 1 && isObjectType(type) && isConnection(type)) {
      // A Relay connection: only its items repeat; totalCount and pageInfo come once.
      let items = 0;
      let once = 0;
      for (const selection of node.selectionSet.selections) {
        const cost = this.selectionCost(
          type,
          { ...node.selectionSet, selections: [selection] },
          visiting,
        );
        if (selection.kind === Kind.FIELD && CONNECTION_ITEMS.includes(selection.name.value)) {
          items += cost;
        } else {
          once += cost;
        }
      }
      return own + once + pageSize * items;
    }
    return pageSize * (own + this.selectionCost(type, node.selectionSet, visiting));
  }

  private pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode): number {
    const declared = field.args.filter((a) => PAGE_ARGUMENTS.includes(a.name));
    if (declared.length === 0) return 1;
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(field, node, this.variables ?? undefined);
    } catch {
      // Bad or missing variables fail execution anyway; count the worst case meanwhile.
      return this.limits.maxPageSize;
    }
    let size = 1;
    for (const arg of declared) {
      const raw = values[arg.name];
      const usesVariable = node.arguments?.some(
        (a) => a.name.value === arg.name && a.value.kind === Kind.VARIABLE,
      );
      const value =
        typeof raw === 'number'
          ? raw
          : usesVariable && !this.variables
            ? this.limits.maxPageSize
            : 1;
      if (value > this.limits.maxPageSize) {
        throw new GraphQLError(
          `${field.name}(${arg.name}: ${value}): ${arg.name} must be at most ${this.limits.maxPageSize}`,
          { extensions: { code: 'BAD_USER_INPUT', maxPageSize: this.limits.maxPageSize } },
        );
      }
      size = Math.max(size, value);
    }
    return size;
  }
}
