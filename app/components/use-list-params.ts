// Filters and page of an admin list kept in the URL (so a reload or a shared
// link shows the same list): changing a filter goes back to page 1.
import { useSearchParams } from "@remix-run/react";

export function useListParams() {
  const [params, setParams] = useSearchParams();
  const setFilter = (key: string, value: string) => {
    const updated = new URLSearchParams(params);
    if (value) updated.set(key, value);
    else updated.delete(key);
    updated.delete("page");
    setParams(updated);
  };
  const goTo = (page: number) => {
    const updated = new URLSearchParams(params);
    updated.set("page", String(page));
    setParams(updated);
  };
  /** IndexTable's pagination for `page` of a list that has a next page or not. */
  const pagination = (page: number, hasNext: boolean) => ({
    hasPrevious: page > 1,
    hasNext,
    onPrevious: () => goTo(page - 1),
    onNext: () => goTo(page + 1),
  });
  return { setFilter, pagination };
}
