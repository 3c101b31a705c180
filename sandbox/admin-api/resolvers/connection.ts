// Relay connections as Shopify serves them: `first`/`last` (one of them is
// required, at most 250), opaque cursors for `after`/`before`, `reverse`,
// `nodes`, `edges` and `pageInfo`. A cursor names the record it stands for,
// so paging stays stable while records are added.
import { compareIds } from "../../store/index.ts";
import { requestError } from "../errors.ts";
import { search, type SearchFields } from "./search.ts";

export const MAX_PAGE_SIZE = 250;

export interface Connection<Node> {
  nodes: Node[];
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ last_id: key })).toString("base64");
}

function decodeCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"));
    if (typeof value === "object" && value !== null && typeof (value as { last_id?: unknown }).last_id === "string") {
      return (value as { last_id: string }).last_id;
    }
  } catch {
    // falls through to the error below
  }
  throw requestError(`Invalid cursor for current pagination sort: ${cursor}`, "BAD_REQUEST");
}

function pageSize(args: Record<string, unknown>): { size: number; fromEnd: boolean } {
  const first = typeof args.first === "number" ? args.first : null;
  const last = typeof args.last === "number" ? args.last : null;
  if (first === null && last === null) throw requestError("you must provide one of first or last", "BAD_REQUEST");
  const size = first ?? last ?? 0;
  const name = first !== null ? "first" : "last";
  if (size < 0 || size > MAX_PAGE_SIZE) {
    throw requestError(`The value of ${name} must be between 0 and ${MAX_PAGE_SIZE}`, "BAD_REQUEST");
  }
  return { size, fromEnd: first === null };
}

/**
 * One page of `items` (already filtered and sorted). `keyOf` gives the stable
 * key a cursor stands for; `node` turns an item into what the schema expects.
 */
export function connection<T, Node = T>(
  items: readonly T[],
  args: Record<string, unknown>,
  keyOf: (item: T) => string,
  node: (item: T) => Node = (item) => item as unknown as Node,
): Connection<Node> {
  const { size, fromEnd } = pageSize(args);
  const ordered = args.reverse === true ? [...items].reverse() : [...items];
  let start = 0;
  let end = ordered.length;
  if (typeof args.after === "string") {
    const key = decodeCursor(args.after);
    start = ordered.findIndex((item) => keyOf(item) === key) + 1;
  }
  if (typeof args.before === "string") {
    const key = decodeCursor(args.before);
    const index = ordered.findIndex((item) => keyOf(item) === key);
    if (index >= 0) end = index;
  }
  if (fromEnd) start = Math.max(start, end - size);
  else end = Math.min(end, start + size);
  const page = ordered.slice(start, end);
  const edges = page.map((item) => ({ cursor: encodeCursor(keyOf(item)), node: node(item) }));
  return {
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      hasNextPage: end < ordered.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** A connection over records with an `id`, keyed by it. */
export function byId<T extends { id: string }>(
  items: readonly T[],
  args: Record<string, unknown>,
  node?: (item: T) => unknown,
): Connection<unknown> {
  return connection(items, args, (item) => item.id, node);
}

export function emptyConnection(): Connection<never> {
  return {
    nodes: [],
    edges: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  };
}

/** A plain list field with a `first` argument (e.g. Order.fulfillments(first: 5)). */
export function limited<T>(items: readonly T[], first: unknown): T[] {
  return typeof first === "number" ? items.slice(0, first) : [...items];
}

export type SortValue = string | number | Date | null;

/** What a resource list can be filtered (`query:`) and sorted (`sortKey:`) by. */
export interface ListSpec<T> {
  search: SearchFields<T>;
  sortKeys: Record<string, (item: T) => SortValue>;
  id: (item: T) => string;
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string" && /^\d+$/.test(a) && /^\d+$/.test(b)) return compareIds(a, b);
  return String(a).localeCompare(String(b));
}

/** A top-level resource connection: filter by `query`, sort by `sortKey` (ties by id), then page. */
export function listConnection<T>(
  spec: ListSpec<T>,
  items: readonly T[],
  args: Record<string, unknown>,
): Connection<T> {
  const sortKey = typeof args.sortKey === "string" ? args.sortKey : "ID";
  const value = spec.sortKeys[sortKey] ?? spec.id;
  const sorted = search(items, typeof args.query === "string" ? args.query : null, spec.search).sort(
    (a, b) => compareValues(value(a), value(b)) || compareIds(spec.id(a), spec.id(b)),
  );
  return connection(sorted, args, spec.id);
}
