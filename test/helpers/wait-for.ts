/** Awaiting events and states instead of sleeping. */

/** Resolves with the first value `subscribe` delivers that matches, or rejects after the timeout. */
export function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  matches: (value: T) => boolean = () => true,
  timeoutMs = 10_000,
  what = 'event',
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      if (!matches(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/**
 * Polls a condition with a growing interval; for state that has no event (a row in another
 * process's file). The check may be async (an HTTP call): it is awaited, never taken as truthy.
 */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, delay));
    delay = Math.min(delay * 2, 100);
  }
}
