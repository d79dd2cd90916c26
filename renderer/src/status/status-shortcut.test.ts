import { describe, expect, it } from 'vitest';
import { isCloseKey, isStatusShortcut, type ShortcutKey } from './status-shortcut';

const key = (over: Partial<ShortcutKey>): ShortcutKey => ({
  key: 'S',
  code: 'KeyS',
  ctrlKey: true,
  shiftKey: true,
  altKey: false,
  metaKey: false,
  repeat: false,
  ...over,
});

describe('isStatusShortcut', () => {
  it('is Ctrl+Shift+S, by place or by letter', () => {
    expect(isStatusShortcut(key({}))).toBe(true);
    expect(isStatusShortcut(key({ key: 's' }))).toBe(true);
    // A Cyrillic layout: the letter differs, the key is the same.
    expect(isStatusShortcut(key({ key: 'Ы' }))).toBe(true);
    // Dvorak: S is where QWERTY has ";".
    expect(isStatusShortcut(key({ key: 'S', code: 'Semicolon' }))).toBe(true);
  });

  it('is not S on its own, with one modifier, with AltGr or Meta, or held down', () => {
    expect(isStatusShortcut(key({ ctrlKey: false }))).toBe(false);
    expect(isStatusShortcut(key({ shiftKey: false }))).toBe(false);
    expect(isStatusShortcut(key({ altKey: true }))).toBe(false);
    expect(isStatusShortcut(key({ metaKey: true }))).toBe(false);
    expect(isStatusShortcut(key({ repeat: true }))).toBe(false);
    expect(isStatusShortcut(key({ key: 'D', code: 'KeyD' }))).toBe(false);
  });
});

describe('isCloseKey', () => {
  it('is a plain Escape', () => {
    expect(isCloseKey(key({ key: 'Escape', code: 'Escape', ctrlKey: false, shiftKey: false }))).toBe(true);
    expect(isCloseKey(key({ key: 'Escape', code: 'Escape', ctrlKey: true, shiftKey: false }))).toBe(false);
    expect(isCloseKey(key({ ctrlKey: false, shiftKey: false }))).toBe(false);
  });
});
