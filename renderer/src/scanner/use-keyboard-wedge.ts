import { useEffect, useLayoutEffect, useRef } from 'react';
import type { AgentBridge, ScanOutcome, WedgeSettings } from '../../../protocol/bridge';
import { removeLeakedText, restoreHeldText } from './focused-field';
import { KeyboardWedgeDetector, type WedgeOutcome } from './keyboard-wedge';

export interface KeyboardWedgeOptions {
  bridge: AgentBridge;
  screenId: string;
  /** Until the screen's settings arrive there is nothing to detect with. */
  settings: WedgeSettings | null;
  /** For a screen that answers the person who scanned (the kiosk); signage lets the agent's greeting do that. */
  onOutcome?: (code: string, outcome: ScanOutcome) => void;
  /** The agent could not be asked (down, timed out): a screen that answers the person says so. */
  onError?: (code: string, error: unknown) => void;
}

/**
 * Listens for a keyboard-wedge scanner on the whole window and submits each scan to the
 * agent. It listens in the capture phase so that a scan reaches it before any focused
 * field or key handler, which then never see the keys of a recognised burst.
 */
export function useKeyboardWedge({ bridge, screenId, settings, onOutcome, onError }: KeyboardWedgeOptions): void {
  const onOutcomeRef = useRef(onOutcome);
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onOutcomeRef.current = onOutcome;
    onErrorRef.current = onError;
  });

  const minLength = settings?.minLength;
  const maxAverageGapMs = settings?.maxAverageGapMs;
  const silenceMs = settings?.silenceMs;
  const prefix = settings?.prefix;

  // A layout effect, so the listener is on the window in the same commit that shows the
  // screen as ready to scan (data-scanner="ready"): with a passive effect, a scan in the
  // moment between that render and the effect lost its first keys.
  useLayoutEffect(() => {
    if (minLength === undefined || maxAverageGapMs === undefined || silenceMs === undefined || prefix === undefined) return;
    const detector = new KeyboardWedgeDetector({ minLength, maxAverageGapMs, silenceMs, prefix });
    let silenceTimer: ReturnType<typeof setTimeout> | undefined;

    const settle = (outcome: WedgeOutcome): void => {
      restoreHeldText(outcome.released);
      if (!outcome.scan) return;
      removeLeakedText(outcome.scan.leaked);
      const code = outcome.scan.code;
      bridge.request('scan.submit', { screenId, code, source: 'keyboard-wedge' }).then(
        (result) => onOutcomeRef.current?.(code, result),
        (error: unknown) => {
          console.error('scan could not be submitted', error);
          onErrorRef.current?.(code, error);
        },
      );
    };

    const armSilence = (): void => {
      clearTimeout(silenceTimer);
      const wait = detector.msUntilSilence(performance.now());
      if (wait === null) return;
      silenceTimer = setTimeout(() => {
        settle(detector.flush(performance.now()));
        armSilence();
      }, wait);
    };

    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.isComposing || event.repeat || ((event.ctrlKey || event.metaKey) && !event.altKey)) {
        // A shortcut or a held key is a person at the keyboard; AltGr (ctrl+alt) still types characters.
        settle(detector.interrupt());
        armSilence();
        return;
      }
      // timeStamp is when the key was pressed, on performance.now()'s clock, whatever else delayed this handler.
      const result = detector.push({ key: event.key, at: event.timeStamp });
      if (result.consume) {
        event.preventDefault();
        event.stopPropagation();
      }
      settle(result);
      armSilence();
    };

    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => {
      window.removeEventListener('keydown', onKeyDown, { capture: true });
      clearTimeout(silenceTimer);
    };
  }, [bridge, screenId, minLength, maxAverageGapMs, silenceMs, prefix]);
}
