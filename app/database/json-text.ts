// JSON kept as text in a column (both databases store it so): read back, or the
// fallback when the column is empty, unreadable or holds `null`.
export function parseJsonText<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return (JSON.parse(text) as T) ?? fallback;
  } catch {
    return fallback;
  }
}
