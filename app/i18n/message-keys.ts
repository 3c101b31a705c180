// The keys of a message file and the checks the tests run on them: both
// languages have the same keys, and every key a page uses exists. A plural
// ({"one": …, "other": …}) is one key: languages have different plural forms
// (Japanese has only "other").
const PLURAL_FORMS = new Set(["zero", "one", "two", "few", "many", "other", "0", "1"]);

type Messages = Record<string, unknown>;

function isPlural(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.includes("other") && keys.every((key) => PLURAL_FORMS.has(key));
}

/** Every message's key ("orders.columns.date"); a plural counts once. */
export function messageKeys(messages: Messages, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") return [path];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return isPlural(value as Messages) ? [path] : messageKeys(value as Messages, path);
    }
    return [`${path} (not a string)`];
  });
}

/** Keys of `a` that `b` lacks. */
export function missingKeys(a: Messages, b: Messages): string[] {
  const have = new Set(messageKeys(b));
  return messageKeys(a).filter((key) => !have.has(key));
}

/** Keys a source file passes to t(): literal ones, and the fixed start of template ones (`notices.kinds.${kind}`). */
export function keysUsedIn(source: string): { keys: string[]; prefixes: string[] } {
  const keys = [...source.matchAll(/\bt\(\s*"([^"]+)"/g)].map((match) => match[1]!);
  // A key wholly built from values (`${group}.${code}`) has no fixed start: the tests name its codes.
  const prefixes = [...source.matchAll(/\bt\(\s*`([^`$]*)\$\{/g)]
    .map((match) => match[1]!.replace(/\.$/, ""))
    .filter(Boolean);
  return { keys, prefixes };
}

/** Whether `key` names a message (or, for a prefix, a group of messages) in `messages`. */
export function hasKey(messages: Messages, key: string, group = false): boolean {
  let node: unknown = messages;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Messages)[part];
  }
  if (group) return typeof node === "object" && node !== null;
  return typeof node === "string" || (typeof node === "object" && node !== null && isPlural(node as Messages));
}
