// A customer's name as people in their language write it: the one rule for
// admin pages and notices alike (no server imports here). Japanese names read
// family name first (田中 健太); the notice templates add the honorific (様).

const JAPANESE_SCRIPT = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/;

function parts(...names: (string | null | undefined)[]): string[] {
  return names.map((name) => name?.trim() ?? "").filter((name) => name !== "");
}

/** Family name first for a Japanese-speaking customer, or a name written in Japanese, whatever the locale says. */
function familyNameFirst(first: string | null | undefined, last: string | null | undefined, locale?: string | null) {
  return /^ja\b/i.test(locale ?? "") || JAPANESE_SCRIPT.test(`${first ?? ""}${last ?? ""}`);
}

/** The full name for display: "田中 健太" (ja) or "Emma Wilson"; null when there is none. */
export function customerName(
  first: string | null | undefined,
  last: string | null | undefined,
  locale?: string | null,
): string | null {
  const ordered = familyNameFirst(first, last, locale) ? parts(last, first) : parts(first, last);
  return ordered.length > 0 ? ordered.join(" ") : null;
}

/**
 * The name a notice greets with: the full name in Japanese order for a Japanese
 * notice ("田中 健太様"), the given name in English ("Hi Emma"); null when there is none.
 */
export function greetingName(
  first: string | null | undefined,
  last: string | null | undefined,
  locale: "ja" | "en",
): string | null {
  return locale === "ja" ? customerName(first, last, locale) : (parts(first)[0] ?? null);
}
