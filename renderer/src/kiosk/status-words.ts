import type { StatusFacts } from './status-facts';

export interface StatusWords {
  tone: 'ok' | 'warn' | 'down';
  /** The headline: "Online", "Offline", "Store agent not responding". */
  label: string;
  /** Events waiting to upload, when known. */
  pending: number | null;
  /** The words after the number: "events waiting to upload". */
  pendingWords: string;
  /** A second fact worth a word, e.g. the sensors' broker is down. */
  detail: string | null;
}

/** The head-office link in one or two words; null where it says nothing about being online. */
function syncLabel(facts: StatusFacts): { label: string; tone: StatusWords['tone'] } | null {
  switch (facts.sync) {
    case 'online':
      return { label: 'Online', tone: 'ok' };
    case 'offline':
    case 'connecting':
      return { label: 'Offline', tone: 'warn' };
    case 'pairing':
      return { label: 'Pairing with head office', tone: 'warn' };
    case 'revoked':
    case 'unpaired':
      return { label: 'Not linked to head office', tone: 'warn' };
    case 'not-configured':
      // A store running on its own: the till works, events wait until a head office is set up.
      return { label: 'Offline: no head office set up', tone: 'warn' };
    default:
      // A store on its own, or an agent that does not say: the broker is the only link there is.
      return null;
  }
}

/**
 * The status bar in words. Being offline does not stop the till (events wait in the
 * outbox), so it is a warning, not an alarm; the agent itself not answering is, since
 * then scans and orders do not go through.
 */
export function statusWords(facts: StatusFacts | null, problem: string | null): StatusWords {
  const pending = facts ? facts.outboxPending : null;
  const pendingWords = pending === 1 ? 'event waiting to upload' : 'events waiting to upload';
  const base = { pending, pendingWords };
  if (problem !== null) return { ...base, tone: 'down', label: 'Store agent not responding', detail: 'Scans and orders will not go through' };
  if (facts === null) return { ...base, tone: 'warn', label: 'Connecting to the store agent…', detail: null };
  const sync = syncLabel(facts);
  if (sync === null) {
    return { ...base, tone: facts.brokerConnected ? 'ok' : 'warn', label: facts.brokerConnected ? 'Online' : 'Offline', detail: null };
  }
  const detail = facts.brokerConnected ? null : 'Sensors disconnected: the counter list may be behind';
  return { ...base, tone: sync.tone === 'ok' && !facts.brokerConnected ? 'warn' : sync.tone, label: sync.label, detail };
}
