import { useCallback, useEffect, useRef, useState } from "react";
import { apiRequest, errorMessage } from "./api-client.js";

export interface Resource<T> {
  data: T | undefined;
  /** The last load's failure in plain words (the data of the load before stays shown). */
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `path` (null: nothing to load yet) and re-GETs when it or `refreshKey` changes, or on
 * `reload()`. A newer load cancels an older one, so a fast typist never sees an old answer land last.
 */
export function useResource<T>(path: string | null, refreshKey: unknown = 0): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (path === null) return;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    apiRequest<T>(path, { signal: ctrl.signal }).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted) setState((s) => ({ ...s, error: errorMessage(err), loading: false }));
      },
    );
    return () => ctrl.abort();
  }, [path, tick, refreshKey]);

  const reload = useCallback(() => {
    if (mounted.current) setTick((t) => t + 1);
  }, []);
  return { ...state, reload };
}
