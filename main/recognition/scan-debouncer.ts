/** One physical scan can reach us twice (a card held under the reader, MQTT and wedge both wired): the first one counts. */
export class ScanDebouncer<T = unknown> {
  private readonly recent = new Map<string, { at: number; result: T }>();

  constructor(private readonly windowMs: number) {}

  once<R extends T>(key: string, at: number, run: () => R): R {
    const previous = this.recent.get(key);
    if (previous && at - previous.at < this.windowMs) return previous.result as R;
    const result = run();
    this.recent.set(key, { at, result });
    return result;
  }

  prune(now: number): void {
    for (const [key, entry] of this.recent) if (now - entry.at >= this.windowMs) this.recent.delete(key);
  }
}
