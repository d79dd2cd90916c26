import { useEffect, useState } from 'react';
import type { Greeting } from '../../../protocol/bridge';

/** Fade in and out; the CSS animations take their length from here so the unmount below matches them. */
export const GREETING_FADE_MS = 700;
/** Past this many characters the text steps down a size so it still fits a landscape screen. */
const LONG_TEXT = 32;

/** The greeting over the whole screen. It fades out before it leaves, so it stays mounted that long after `greeting` goes. */
export function GreetingOverlay({ greeting }: { greeting: Greeting | null }) {
  const [shown, setShown] = useState<Greeting | null>(greeting);
  if (greeting && greeting !== shown) setShown(greeting);
  const leaving = greeting === null && shown !== null;

  useEffect(() => {
    if (!leaving) return;
    const timer = setTimeout(() => setShown(null), GREETING_FADE_MS);
    return () => clearTimeout(timer);
  }, [leaving]);

  if (!shown) return null;
  return (
    <div
      className={`greeting${leaving ? ' is-leaving' : ''}`}
      style={{ animationDuration: `${GREETING_FADE_MS}ms` }}
      data-testid="greeting"
      data-decision-id={shown.decisionId}
      role="status"
    >
      <p key={shown.decisionId} className={`greeting-text${shown.text.length > LONG_TEXT ? ' is-long' : ''}`}>
        {shown.text}
      </p>
    </div>
  );
}
