import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { loaderBatchSize } from './loaders.js';
import { defaultMaxAliases } from './max-aliases.js';
import { upstreamFields } from './resolvers.js';

/** How much one query may ask for (OWASP ASVS 4.0 §13.4.1: depth and amount limiting). */
export interface QueryLimits {
  /** Deepest nesting of fields (`{ me { inbox { from { profile { displayName } } } } }` is 5). @default 8 */
  readonly maxDepth: number;
  /** Highest cost (see measureOperation). @default 1000 */
  readonly maxCost: number;
  /** What a list field without a `limit` argument is assumed to return. @default 20 */
  readonly defaultListSize: number;
  /** Most aliases in one operation (GraphQL Armor's max-aliases default). @default 15 */
  readonly maxAliases: number;
  /** Most calls to auth, profile and mail one request may make (see measureOperation; the upstream client counts too). @default 20 */
  readonly maxCalls: number;
}

/** The limits when none are given. */
export const defaultQueryLimits: QueryLimits = Object.freeze({ maxDepth: 8, maxCost: 1000, defaultListSize: 20, maxAliases: defaultMaxAliases, maxCalls: 20 });

/** The depth, cost and upstream calls of one operation. */
export interface QueryMeasure {
  readonly depth: number;
  readonly cost: number;
  /** The most upstream calls it can make (before the loaders deduplicate). */
  readonly calls: number;
}

const none: QueryMeasure = { depth: 0, cost: 0, calls: 0 };

/**
 * Measures a validated operation before it runs. Every field of the schema costs 1, and a list
 * field multiplies what it selects by its `limit` argument (else `defaultListSize`): so ten
 * aliased `inbox(limit: 50)` cost ten times one. `__typename` is free; introspection fields count
 * for depth only (they are answered from memory). Fragments are expanded where they are spread.
 *
 * Calls: each field that reads a service (upstreamFields) costs a call wherever it is selected,
 * an alias again; a list multiplies the items below it, whose loads a loader packs into calls of
 * up to loaderBatchSize keys, so `inbox(limit: 50) { from { profile } }` is 1 + 1 + 1 calls.
 */
export function measureOperation(options: {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly defaultListSize?: number;
}): QueryMeasure {
  const { schema, document, operation, variables } = options;
  const defaultListSize = options.defaultListSize ?? defaultQueryLimits.defaultListSize;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  // `items`: how many objects of `parent` the set is resolved for (the lists above it multiplied).
  function measureSet(set: SelectionSetNode, parent: GraphQLNamedType | undefined, items: number): QueryMeasure {
    let depth = 0;
    let cost = 0;
    let calls = 0;
    for (const selection of set.selections) {
      let measured = none;
      if (selection.kind === Kind.FIELD) measured = measureField(selection, parent, items);
      else if (selection.kind === Kind.INLINE_FRAGMENT) measured = measureSet(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent, items);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) measured = measureSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), items);
      }
      depth = Math.max(depth, measured.depth);
      cost += measured.cost;
      calls += measured.calls;
    }
    return { depth, cost, calls };
  }

  function measureField(node: FieldNode, parent: GraphQLNamedType | undefined, items: number): QueryMeasure {
    const name = node.name.value;
    if (name === '__typename') return none;
    const field = parent && isObjectType(parent) && !name.startsWith('__') ? parent.getFields()[name] : undefined;
    const size = field ? listSize(field, node) : 1;
    const child = node.selectionSet ? measureSet(node.selectionSet, field ? getNamedType(field.type) : undefined, items * size) : none;
    if (!field) return { depth: 1 + child.depth, cost: 0, calls: 0 };
    const calls = Object.hasOwn(upstreamFields, `${parent?.name}.${name}`) ? Math.ceil(items / loaderBatchSize) : 0;
    return { depth: 1 + child.depth, cost: 1 + size * child.cost, calls: calls + child.calls };
  }

  function listSize(field: GraphQLField<unknown, unknown>, node: FieldNode): number {
    if (!isListType(getNullableType(field.type))) return 1;
    try {
      const { limit } = getArgumentValues(field, node, variables as Record<string, unknown>);
      return typeof limit === 'number' && limit > 0 ? limit : defaultListSize;
    } catch {
      return defaultListSize;
    }
  }

  const root = schema.getRootType(operation.operation) ?? undefined;
  return measureSet(operation.selectionSet, root, 1);
}
