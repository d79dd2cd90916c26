import { useCallback, useEffect, useState } from 'react';
import { isCloseKey, isStatusShortcut } from './status-shortcut';

/** Ctrl+Shift+S opens and closes the hidden status view; Escape closes it. */
export function useStatusShortcut(): { open: boolean; close: () => void } {
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (isStatusShortcut(event)) {
        event.preventDefault();
        setOpen((wasOpen) => !wasOpen);
      } else if (isCloseKey(event)) {
        setOpen(false);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const close = useCallback(() => setOpen(false), []);
  return { open, close };
}
