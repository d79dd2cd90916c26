import { useEffect, useState } from 'react';

/** The time, ticking every `intervalMs`: for "4 min ago" and for forgetting stale scans. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
