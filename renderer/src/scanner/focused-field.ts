/** Input types that have a caret (selectionStart throws or is null on the others). */
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'url', 'tel', 'password', 'email']);

function focusedTextField(): HTMLInputElement | HTMLTextAreaElement | null {
  const element = document.activeElement;
  if (element instanceof HTMLTextAreaElement) return element;
  if (element instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(element.type)) return element;
  return null;
}

function caret(field: HTMLInputElement | HTMLTextAreaElement): number | null {
  try {
    const { selectionStart, selectionEnd } = field;
    return selectionStart !== null && selectionStart === selectionEnd ? selectionStart : null;
  } catch {
    return null;
  }
}

/**
 * Replaces the range with text the way typing would. execCommand fires the input events a
 * framework-controlled field listens to and keeps the field's undo history; setRangeText
 * is the fallback where execCommand is gone.
 */
function edit(field: HTMLInputElement | HTMLTextAreaElement, from: number, to: number, text: string): void {
  field.setSelectionRange(from, to);
  const done = text === '' ? document.execCommand('delete') : document.execCommand('insertText', false, text);
  if (!done) {
    field.setRangeText(text, from, to, 'end');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

/**
 * A scan's first keys reach the focused field before the burst is recognised as a scan;
 * take them out again, but only when they sit just before the caret as typed, so nothing
 * the person wrote is ever removed.
 */
export function removeLeakedText(text: string): void {
  if (text === '') return;
  const field = focusedTextField();
  const end = field ? caret(field) : null;
  if (!field || end === null || end < text.length) return;
  if (field.value.slice(end - text.length, end) !== text) return;
  edit(field, end - text.length, end, '');
}

/** Keys held back as a possible scan that turned out to be a person's typing go where they were meant to. */
export function restoreHeldText(text: string): void {
  if (text === '') return;
  const field = focusedTextField();
  const at = field ? caret(field) : null;
  if (!field || at === null || field.readOnly || field.disabled) return;
  edit(field, at, at, text);
}
