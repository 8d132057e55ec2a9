import { useCallback, useEffect, useRef, useState } from "react";
import { apiRequest, errorMessage } from "./api-client.js";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList<T, P extends Page<T>> {
  items: T[];
  /** The first page as answered (lists such as errors carry group counts and a total beside the items). */
  first: P | undefined;
  hasMore: boolean;
  loading: boolean;
  error: string | undefined;
  loadMore: () => void;
  reload: () => void;
  /** Drops rows (e.g. fixed problems) without a round trip. */
  remove: (keep: (item: T) => boolean) => void;
}

/**
 * A cursor-paged list (`?limit=&cursor=` → `{items, nextCursor}`): the server pages, the browser keeps
 * what was loaded and asks for the next page when the person scrolls near the end.
 */
export function usePagedList<T, P extends Page<T> = Page<T>>(
  path: string | null,
  pageSize: number,
  refreshKey: unknown = 0,
): PagedList<T, P> {
  const [items, setItems] = useState<T[]>([]);
  const [first, setFirst] = useState<P | undefined>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const inFlight = useRef<AbortController | undefined>(undefined);
  const generation = useRef(0);

  const fetchPage = useCallback(
    (after: string | null, replace: boolean) => {
      if (path === null) return;
      inFlight.current?.abort();
      const ctrl = new AbortController();
      inFlight.current = ctrl;
      const gen = generation.current;
      const sep = path.includes("?") ? "&" : "?";
      const url = `${path}${sep}limit=${pageSize}${after ? `&cursor=${encodeURIComponent(after)}` : ""}`;
      setLoading(true);
      apiRequest<P>(url, { signal: ctrl.signal }).then(
        (page) => {
          if (ctrl.signal.aborted || gen !== generation.current) return;
          setItems((old) => (replace ? page.items : [...old, ...page.items]));
          if (replace) setFirst(page);
          setCursor(page.nextCursor);
          setError(undefined);
          setLoading(false);
        },
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          setError(errorMessage(err));
          setLoading(false);
        },
      );
    },
    [path, pageSize],
  );

  useEffect(() => {
    generation.current++;
    fetchPage(null, true);
    return () => inFlight.current?.abort();
  }, [fetchPage, refreshKey, tick]);

  const loadMore = useCallback(() => {
    if (!loading && cursor !== null) fetchPage(cursor, false);
  }, [loading, cursor, fetchPage]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const remove = useCallback((keep: (item: T) => boolean) => setItems((old) => old.filter(keep)), []);

  return { items, first, hasMore: cursor !== null, loading, error, loadMore, reload, remove };
}
