/**
 * A keyboard-wedge scanner for Playwright: the code's keys and Enter, each stamped `gapMs`
 * after the last, as a scanner's USB reports are stamped when they arrive. Sent through
 * CDP (Input.dispatchKeyEvent's timestamp becomes the event's timeStamp, which the wedge
 * detector reads). Playwright's keyboard.type stamps a key only when the page takes it, so
 * a page busy for 70 ms after the first key made that key look typed by hand and the
 * scan lose it: a flaky test, not what a scanner does.
 */
import type { Page } from '@playwright/test';

interface Key {
  key: string;
  code: string;
  text: string;
  windowsVirtualKeyCode: number;
}

function keyOf(char: string): Key {
  const upper = char.toUpperCase();
  const code = /[0-9]/.test(char) ? `Digit${char}` : /[A-Z]/.test(upper) ? `Key${upper}` : '';
  return { key: char, code, text: char, windowsVirtualKeyCode: upper.charCodeAt(0) };
}

const ENTER: Key = { key: 'Enter', code: 'Enter', text: '\r', windowsVirtualKeyCode: 13 };

export async function scanWithWedge(page: Page, code: string, gapMs = 8): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const start = Date.now() / 1000;
    const keys = [...[...code].map(keyOf), ENTER];
    for (const [i, key] of keys.entries()) {
      const timestamp = start + (i * gapMs) / 1000;
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, timestamp });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: key.key, code: key.code, windowsVirtualKeyCode: key.windowsVirtualKeyCode, timestamp: timestamp + 0.001 });
    }
  } finally {
    await cdp.detach();
  }
}
