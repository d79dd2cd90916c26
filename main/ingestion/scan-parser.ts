/**
 * Networked scanners publish to `<prefix>/<screenId>`, either the bare code as UTF-8 text
 * or `{"code": "…", "symbology": "ean13"}`. What the code means is loyalty-code.ts's job;
 * here we only make sure it is a sane string.
 */
import { isJsonObject } from './field-checks';
import { clip, rejected } from './message-builders';
import type { GatewayMessage, NotParsed } from './sighting';

export interface ScanScreenTopic {
  kind: 'screen';
  screenId: string;
}

/** Same as the screen id rule in the agent config: a scan for any other id can match no screen. */
export const SCREEN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Same limit as the screens' own scan.submit request. */
export const MAX_SCAN_CODE_LENGTH = 512;
export const SYMBOLOGY_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** `levels` are the topic levels after the configured prefix. */
export function matchScanTopic(levels: readonly string[]): ScanScreenTopic | NotParsed {
  const screenId = levels[0];
  if (levels.length !== 1 || screenId === undefined || !SCREEN_ID_PATTERN.test(screenId)) {
    return rejected('unknown-topic', `scan topics are <prefix>/<screen id>, got ${clip(levels.join('/'))}`);
  }
  return { kind: 'screen', screenId };
}

/** C0 controls, DEL and C1 controls: a wedge or scanner glitch, never part of a code. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function checkCode(code: string): string | null {
  if (code.length === 0) return 'the scanned code is empty';
  if (code.length > MAX_SCAN_CODE_LENGTH) return `the scanned code is longer than ${MAX_SCAN_CODE_LENGTH} characters`;
  if (hasControlCharacter(code)) return 'the scanned code contains control characters';
  return null;
}

/**
 * `text` is the decoded payload. A payload starting with "{" is taken as JSON: a broken
 * JSON message must not be looked up as if it were a loyalty number.
 */
export function parseScan(screenId: string, text: string, at: number): GatewayMessage {
  const trimmed = text.trim();
  let code = trimmed;
  let symbology: string | undefined;
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return rejected('not-json', 'scan payload starts with "{" but is not valid JSON');
    }
    if (!isJsonObject(parsed) || typeof parsed.code !== 'string') {
      return rejected('invalid-fields', 'scan JSON needs a "code" string');
    }
    const sym = parsed.symbology;
    if (sym !== undefined && sym !== null) {
      if (typeof sym !== 'string' || !SYMBOLOGY_PATTERN.test(sym)) {
        return rejected('invalid-fields', 'symbology must be a short name such as "ean13"');
      }
      symbology = sym;
    }
    code = parsed.code.trim();
  }
  const problem = checkCode(code);
  if (problem !== null) return rejected('invalid-fields', problem);
  return { kind: 'scan', scan: { screenId, code, symbology, at } };
}
