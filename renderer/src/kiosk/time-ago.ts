/**
 * How long ago someone came to the counter, short enough for a list row: "just now",
 * "4 min ago", "2 h ago". Unreadable times give "", so a bad timestamp shows nothing rather than "NaN".
 */
export function timeAgo(sinceIso: string, nowMs: number): string {
  const since = Date.parse(sinceIso);
  if (Number.isNaN(since)) return '';
  const seconds = Math.max(0, Math.floor((nowMs - since) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}
