// Shopify's search syntax for the `query:` argument, the part the app uses:
// `field:value`, comparisons (`created_at:>='2026-01-01T00:00:00Z'`), quoted
// values, negation (`-field:value`, `NOT field:value`), `AND` (implied) and
// `OR`. Terms on a field the list does not know are ignored, as Shopify
// ignores unknown filters; a bare word searches the list's default text.
import { compareIds } from "../../store/index.ts";

export type FilterValue = string | number | boolean | Date | null | readonly string[];

/** How each filterable field reads its value from a record ("default" is free text). */
export type SearchFields<T> = Record<string, (item: T) => FilterValue>;

type Operator = ":" | ">" | ">=" | "<" | "<=";

interface Term {
  field: string | null;
  operator: Operator;
  value: string;
  negated: boolean;
}

function tokens(query: string): string[] {
  return query.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
}

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, "$2");
}

function termOf(token: string, negated: boolean): Term {
  const match = /^(-?)([A-Za-z_.]+):(>=|<=|>|<)?(.*)$/.exec(token);
  if (!match) return { field: null, operator: ":", value: unquote(token), negated };
  const [, minus, field = "", operator, value = ""] = match;
  return {
    field: field.toLowerCase(),
    operator: (operator ?? ":") as Operator,
    value: unquote(value),
    negated: negated || minus === "-",
  };
}

/** OR-groups of AND-ed terms. */
function parse(query: string): Term[][] {
  const groups: Term[][] = [[]];
  let negateNext = false;
  for (const token of tokens(query)) {
    if (token === "AND") continue;
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    if (token === "NOT") {
      negateNext = true;
      continue;
    }
    groups.at(-1)?.push(termOf(token, negateNext));
    negateNext = false;
  }
  return groups.filter((group) => group.length > 0);
}

function compared(actual: FilterValue, wanted: string): number | null {
  if (actual === null) return null;
  if (actual instanceof Date) {
    const date = new Date(wanted);
    return Number.isNaN(date.getTime()) ? null : actual.getTime() - date.getTime();
  }
  if (typeof actual === "number") return Number.isNaN(Number(wanted)) ? null : actual - Number(wanted);
  if (typeof actual === "string" && /^\d+$/.test(actual) && /^\d+$/.test(wanted)) return compareIds(actual, wanted);
  return String(actual).localeCompare(wanted);
}

function matchesValue(actual: FilterValue, operator: Operator, wanted: string): boolean {
  if (Array.isArray(actual)) return actual.some((one) => matchesValue(one, operator, wanted));
  if (operator === ":") {
    if (actual === null) return false;
    if (typeof actual === "string" && wanted.endsWith("*")) {
      return actual.toLowerCase().startsWith(wanted.slice(0, -1).toLowerCase());
    }
    if (typeof actual === "string" && !/^\d+$/.test(wanted)) return actual.toLowerCase() === wanted.toLowerCase();
    return compared(actual as Exclude<FilterValue, readonly string[]>, wanted) === 0;
  }
  const difference = compared(actual as Exclude<FilterValue, readonly string[]>, wanted);
  if (difference === null) return false;
  if (operator === ">") return difference > 0;
  if (operator === ">=") return difference >= 0;
  if (operator === "<") return difference < 0;
  return difference <= 0;
}

function matchesTerm<T>(item: T, term: Term, fields: SearchFields<T>): boolean {
  if (term.field === null) {
    const text = fields.default?.(item);
    const hit = typeof text === "string" && text.toLowerCase().includes(term.value.toLowerCase());
    return term.negated ? !hit : hit;
  }
  const read = fields[term.field];
  if (!read) return true;
  const hit = matchesValue(read(item), term.operator, term.value);
  return term.negated ? !hit : hit;
}

/** The items matching a Shopify search query (all of them for an empty query). */
export function search<T>(items: readonly T[], query: string | null | undefined, fields: SearchFields<T>): T[] {
  if (!query?.trim()) return [...items];
  const groups = parse(query);
  return items.filter((item) => groups.some((group) => group.every((term) => matchesTerm(item, term, fields))));
}
