/**
 * A failed request in words staff can act on. The bridge's own failures (agent down,
 * no answer) all mean the same at the till, "try again"; what the agent refused with
 * is already its reason, and is shown as it is.
 */
export function problemWords(error: unknown): string {
  const message = (error instanceof Error ? error.message : typeof error === 'string' ? error : '').trim();
  if (message === '') return 'Something went wrong. Please try again.';
  if (/^agent bridge\b/.test(message)) return 'The store agent did not answer. Please try again.';
  return message.charAt(0).toUpperCase() + message.slice(1);
}
