import { useCallback, useEffect, useState } from "react";

/** Runs a command when the screen opens; `reload` runs it again and keeps the old answer meanwhile. */
export function useCommand<T>(run: () => Promise<T>) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    run()
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [run, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading: data === undefined && error === undefined, reload };
}
