// Query cost as Shopify documents it: a scalar or enum costs 0, an object 1, a
// connection 2 plus `first` (or `last`) times the cost of one of its nodes, a
// list sized by `first` or `ids` that many times its item; a mutation costs 10.
// The requested cost is computed from the query before running it; the actual
// cost from what was returned (fewer nodes than `first` cost less), and the
// difference goes back into the bucket. Fields selected through fragments on
// different types of an interface are all counted (an upper bound).
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isLeafType,
  isListType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** The fields of a selection set by response key, each with the type it was selected on (fragments flattened). */
type Collected = Map<string, { parent: GraphQLCompositeType; nodes: FieldNode[] }>;

function collect(
  walk: Walk,
  parent: GraphQLCompositeType,
  set: SelectionSetNode,
  into: Collected = new Map(),
): Collected {
  for (const selection of set.selections) {
    if (selection.kind === "Field") {
      const key = (selection.alias ?? selection.name).value;
      const entry = into.get(key) ?? { parent, nodes: [] };
      entry.nodes.push(selection);
      into.set(key, entry);
    } else {
      const fragment = selection.kind === "InlineFragment" ? selection : walk.fragments[selection.name.value];
      if (!fragment) continue;
      const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : parent;
      collect(walk, condition && isCompositeType(condition) ? condition : parent, fragment.selectionSet, into);
    }
  }
  return into;
}

function fieldOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return "getFields" in parent ? parent.getFields()[name] : undefined;
}

function mergedSelection(nodes: FieldNode[]): SelectionSetNode | undefined {
  const selections = nodes.flatMap((node) => node.selectionSet?.selections ?? []);
  return selections.length ? { kind: "SelectionSet" as SelectionSetNode["kind"], selections } : undefined;
}

function isConnection(type: GraphQLNamedType): boolean {
  return type.name.endsWith("Connection") && "getFields" in type && "pageInfo" in type.getFields();
}

/** How many items a connection or list field asks for. */
function requestedSize(args: Record<string, unknown>): number {
  for (const key of ["first", "last"]) if (typeof args[key] === "number") return args[key] as number;
  if (Array.isArray(args.ids)) return args.ids.length;
  return 1;
}

type Sized = (args: Record<string, unknown>, value: unknown) => unknown[] | null;

/** The cost of one value of `type` selected with `set`; `value` is the returned data (actual cost) or undefined (requested). */
function selectionCost(
  walk: Walk,
  type: GraphQLCompositeType,
  set: SelectionSetNode,
  value: unknown,
  sized: Sized,
): number {
  if (value === null) return 0;
  const data = isRecord(value) ? value : undefined;
  let total = 0;
  for (const [key, { parent, nodes }] of collect(walk, type, set)) {
    const first = nodes[0] as FieldNode;
    const field = fieldOf(parent, first.name.value);
    if (!field || first.name.value.startsWith("__")) continue;
    const named = getNamedType(field.type);
    const selection = mergedSelection(nodes);
    if (isLeafType(named) || !selection || !isCompositeType(named)) continue;
    const args = getArgumentValues(field, first, walk.variables);
    const fieldValue = data?.[key];
    if (value !== undefined && fieldValue === undefined) continue;
    if (isConnection(named)) total += connectionCost(walk, named, selection, args, fieldValue, sized);
    else if (isListType(getNullableType(field.type))) {
      const items = sized(args, fieldValue) ?? Array.from({ length: requestedSize(args) }, () => undefined);
      total += items.reduce<number>((sum, item) => sum + objectCost(walk, named, selection, item, sized), 0);
    } else total += objectCost(walk, named, selection, fieldValue, sized);
  }
  return total;
}

function objectCost(
  walk: Walk,
  type: GraphQLCompositeType,
  set: SelectionSetNode,
  value: unknown,
  sized: Sized,
): number {
  return value === null ? 0 : 1 + selectionCost(walk, type, set, value, sized);
}

/** 2, plus the cost of each node selected through `nodes` or `edges { node }`. */
function connectionCost(
  walk: Walk,
  type: GraphQLCompositeType,
  set: SelectionSetNode,
  args: Record<string, unknown>,
  value: unknown,
  sized: Sized,
): number {
  if (value === null) return 0;
  const data = isRecord(value) ? value : {};
  let perItem = 0;
  for (const [key, { parent, nodes }] of collect(walk, type, set)) {
    const name = (nodes[0] as FieldNode).name.value;
    const selection = mergedSelection(nodes);
    const field = fieldOf(parent, name);
    if (!selection || !field || (name !== "nodes" && name !== "edges")) continue;
    const itemType = getNamedType(field.type);
    if (!isCompositeType(itemType)) continue;
    const items = value === undefined ? undefined : Array.isArray(data[key]) ? (data[key] as unknown[]) : [];
    if (name === "nodes") {
      perItem += sumOver(items, requestedSize(args), (item) => objectCost(walk, itemType, selection, item, sized));
    } else {
      const nodeType = fieldOf(itemType, "node");
      const nodeSelection = [...collect(walk, itemType, selection).entries()].find(
        ([, e]) => e.nodes[0]?.name.value === "node",
      );
      const nodeNamed = nodeType ? getNamedType(nodeType.type) : undefined;
      if (!nodeSelection || !nodeNamed || !isCompositeType(nodeNamed)) continue;
      const nodeSet = mergedSelection(nodeSelection[1].nodes);
      if (!nodeSet) continue;
      const edgeNode = (edge: unknown) => (isRecord(edge) ? edge[nodeSelection[0]] : edge);
      perItem += sumOver(items, requestedSize(args), (edge) =>
        objectCost(walk, nodeNamed, nodeSet, edge === undefined ? undefined : edgeNode(edge), sized),
      );
    }
  }
  return 2 + perItem;
}

/** Sum over the returned items, or `size` times the cost of one item when nothing was returned yet. */
function sumOver(items: unknown[] | undefined, size: number, cost: (item: unknown) => number): number {
  if (items === undefined) return size * cost(undefined);
  return items.reduce<number>((total, item) => total + cost(item), 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function walkOf(schema: GraphQLSchema, fragments: FragmentDefinitionNode[], variables: Record<string, unknown>): Walk {
  return { schema, fragments: Object.fromEntries(fragments.map((f) => [f.name.value, f])), variables };
}

/** What Shopify would charge before running the operation. */
export function requestedCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): number {
  if (operation.operation === "mutation") return MUTATION_COST * operation.selectionSet.selections.length;
  const root = schema.getQueryType();
  if (!root) return 0;
  return selectionCost(walkOf(schema, fragments, variables), root, operation.selectionSet, undefined, () => null);
}

/** What the answer really cost: connections and lists are counted by what they returned. */
export function actualCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
  data: unknown,
): number {
  if (operation.operation === "mutation") return MUTATION_COST * operation.selectionSet.selections.length;
  const root = schema.getQueryType();
  if (!root || !isRecord(data)) return 0;
  const sized: Sized = (_args, value) => (Array.isArray(value) ? value : value === undefined ? null : []);
  return selectionCost(walkOf(schema, fragments, variables), root, operation.selectionSet, data, sized);
}
