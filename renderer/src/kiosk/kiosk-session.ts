import type { ScanOutcome } from '../../../protocol/bridge';
import type { CustomerCard } from '../../../protocol/kiosk';

/** What the middle of the kiosk shows. */
export type Panel =
  | { kind: 'none' }
  | { kind: 'loading'; profileId: string }
  | { kind: 'card'; card: CustomerCard }
  | { kind: 'card-error'; profileId: string; message: string }
  /** The beacon of the anonymous visitor tapped to get here, offered for linking. */
  | { kind: 'enrol'; beaconId: string | null };

/** A card scanned that the agent did not know: waiting to be enrolled or linked to the card on screen. */
export interface PendingCode {
  code: string;
  scannedAt: number;
}

export interface KioskSession {
  panel: Panel;
  pendingCode: PendingCode | null;
  /** A scan that could not be used, in words for staff. */
  scanError: string | null;
}

export const INITIAL_SESSION: KioskSession = { panel: { kind: 'none' }, pendingCode: null, scanError: null };

/**
 * A pending code left this long is most likely forgotten; linking it later could attach
 * a stranger's card to whoever is at the counter then.
 */
export const PENDING_CODE_TTL_MS = 3 * 60_000;

export type SessionAction =
  | { type: 'scanned'; code: string; outcome: ScanOutcome; at: number }
  | { type: 'scan-failed'; message: string }
  | { type: 'open'; profileId: string }
  | { type: 'card-loaded'; card: CustomerCard }
  | { type: 'card-failed'; profileId: string; message: string }
  /** Enrolment or linking answered with this card; `linkedCode` is the scanned code it took. */
  | { type: 'card-replaced'; card: CustomerCard; linkedCode: string | null }
  | { type: 'enrol'; beaconId: string | null }
  | { type: 'close' }
  | { type: 'dismiss-code' }
  | { type: 'dismiss-scan-error' }
  | { type: 'tick'; now: number }
  | { type: 'order-confirmed' };

/** The customer the panel is showing or fetching, if any. */
export function panelProfileId(panel: Panel): string | null {
  switch (panel.kind) {
    case 'loading':
    case 'card-error':
      return panel.profileId;
    case 'card':
      return panel.card.profileId;
    default:
      return null;
  }
}

/** The reason the agent gives is already in words ("a misread, scan again"); it only wants a capital. */
export function scanErrorWords(reason: string): string {
  const text = reason.trim();
  if (text === '') return 'Card not read. Please scan again.';
  return `Card not read: ${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function openProfile(session: KioskSession, profileId: string): KioskSession {
  const panel = session.panel;
  // The same card again (a double scan, a second tap) keeps the one already open, and its order.
  if ((panel.kind === 'loading' || panel.kind === 'card') && panelProfileId(panel) === profileId) {
    return session.scanError === null ? session : { ...session, scanError: null };
  }
  return { ...session, panel: { kind: 'loading', profileId }, scanError: null };
}

function scanned(session: KioskSession, code: string, outcome: ScanOutcome, at: number): KioskSession {
  switch (outcome.status) {
    case 'recognised':
      if (outcome.profileId) return openProfile(session, outcome.profileId);
      // Only a screen the agent does not take for a kiosk is told a card was recognised but not whose.
      return { ...session, scanError: 'Card recognised, but this screen was not told whose it is: is it set up as a kiosk?' };
    case 'unknown':
      // The panel stays: an open card can take the code ("link card just scanned"), an open enrolment form too.
      return { ...session, pendingCode: { code, scannedAt: at }, scanError: null };
    case 'invalid':
      return { ...session, scanError: scanErrorWords(outcome.reason) };
  }
}

export function sessionReducer(session: KioskSession, action: SessionAction): KioskSession {
  switch (action.type) {
    case 'scanned':
      return scanned(session, action.code, action.outcome, action.at);
    case 'scan-failed':
      return { ...session, scanError: action.message };
    case 'open':
      return openProfile(session, action.profileId);
    case 'card-loaded': {
      // An answer for a card no longer wanted (staff moved on) is dropped; one for the open card refreshes it.
      if (panelProfileId(session.panel) !== action.card.profileId || session.panel.kind === 'card-error') return session;
      return { ...session, panel: { kind: 'card', card: action.card } };
    }
    case 'card-failed':
      if (session.panel.kind !== 'loading' || session.panel.profileId !== action.profileId) return session;
      return { ...session, panel: { kind: 'card-error', profileId: action.profileId, message: action.message } };
    case 'card-replaced': {
      const linked = action.linkedCode !== null && session.pendingCode?.code === action.linkedCode;
      return { ...session, panel: { kind: 'card', card: action.card }, pendingCode: linked ? null : session.pendingCode };
    }
    case 'enrol':
      return { ...session, panel: { kind: 'enrol', beaconId: action.beaconId } };
    case 'close':
      return { ...session, panel: { kind: 'none' } };
    case 'dismiss-code':
      return session.pendingCode === null ? session : { ...session, pendingCode: null };
    case 'dismiss-scan-error':
      return session.scanError === null ? session : { ...session, scanError: null };
    case 'tick':
      if (session.pendingCode === null || action.now - session.pendingCode.scannedAt < PENDING_CODE_TTL_MS) return session;
      return { ...session, pendingCode: null };
    case 'order-confirmed':
      return INITIAL_SESSION;
  }
}
