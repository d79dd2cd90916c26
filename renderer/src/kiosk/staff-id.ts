/** The staff member's id stays on this till between orders and restarts: they sign once per shift, not per order. */
export const STAFF_ID_KEY = 'soo.kiosk.staffId';
export const STAFF_ID_MAX_LENGTH = 40;

export function normaliseStaffId(text: string): string {
  return text.trim().slice(0, STAFF_ID_MAX_LENGTH);
}

/** Storage can be unavailable or full (a locked-down profile); the till works without remembering. */
export function loadStaffId(storage: Pick<Storage, 'getItem'> | null): string {
  try {
    return normaliseStaffId(storage?.getItem(STAFF_ID_KEY) ?? '');
  } catch {
    return '';
  }
}

export function saveStaffId(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, staffId: string): void {
  try {
    const id = normaliseStaffId(staffId);
    if (id) storage?.setItem(STAFF_ID_KEY, id);
    else storage?.removeItem(STAFF_ID_KEY);
  } catch {
    // Not remembered; the field still holds it for this session.
  }
}
