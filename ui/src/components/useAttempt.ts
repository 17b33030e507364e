import { useCallback, useState } from "react";

/** Runs one piece of work at a time: `busy` while it runs, its failure in `error` for an
 * ErrorBanner (cleared when the next one starts). */
export function useAttempt() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const attempt = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, attempt };
}
