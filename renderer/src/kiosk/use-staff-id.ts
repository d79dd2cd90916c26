import { useCallback, useState } from 'react';
import { loadStaffId, saveStaffId } from './staff-id';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The staff id field's value, remembered on this till as it is typed. */
export function useStaffId(): [string, (value: string) => void] {
  const [staffId, setStaffId] = useState(() => loadStaffId(storage()));
  const change = useCallback((value: string) => {
    setStaffId(value);
    saveStaffId(storage(), value);
  }, []);
  return [staffId, change];
}
