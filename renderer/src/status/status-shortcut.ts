/** The keys of the signage's hidden status view: Ctrl+Shift+S. */
export interface ShortcutKey {
  key: string;
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat: boolean;
}

/**
 * Ctrl+Shift+S, whatever the keyboard layout (by the key's place, or by its letter). Not
 * with Alt (Ctrl+Alt is AltGr, which types characters), and not a held key repeating, so
 * holding it down does not make the view flicker.
 */
export function isStatusShortcut(event: ShortcutKey): boolean {
  if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey || event.repeat) return false;
  return event.code === 'KeyS' || event.key.toLowerCase() === 's';
}

/** Escape closes the view again. */
export function isCloseKey(event: ShortcutKey): boolean {
  return event.key === 'Escape' && !event.ctrlKey && !event.shiftKey && !event.altKey && !event.metaKey;
}
