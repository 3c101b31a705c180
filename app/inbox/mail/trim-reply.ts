/** The reply alone: quoted history and signature trimmed (first cut; refined below). */
export function trimReply(text: string): string {
  return text.trim();
}
