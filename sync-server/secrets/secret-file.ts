/**
 * A secret kept in a file of its own in the data directory, readable by the server's user
 * only (0600): created on first start, read on every later one.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

export function loadOrCreateSecretFile(path: string, create: () => string): { value: string; created: boolean } {
  try {
    const value = readFileSync(path, 'utf8').trim();
    if (value) return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = create();
  // 'wx': never overwrite a secret another process wrote meanwhile; the mode is set on creation.
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { value: readFileSync(path, 'utf8').trim(), created: false };
    throw error;
  }
  chmodSync(path, 0o600); // the umask may have narrowed it further, never widened it; be exact
  return { value, created: true };
}
