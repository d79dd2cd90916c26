/**
 * One-at-a-time access to the single SQLite connection. A transaction stays open across
 * the awaits of the work it runs; without this, another request's statement could slip
 * into it (and see or commit its half-done writes).
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // The next caller waits for this one to settle, whether it succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
