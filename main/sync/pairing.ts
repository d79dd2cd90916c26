/** Exchanges the admin's one-time pairing code for this device's own long-lived credential. */
import type { PairRequest, PairResponse } from '../../protocol/sync';

export class PairingError extends Error {
  constructor(
    message: string,
    /** False when retrying the same code cannot help (wrong, used or expired code). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export async function pairDevice(serverUrl: string, request: PairRequest, timeoutMs = 10_000): Promise<PairResponse> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/pair', serverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new PairingError(`cannot reach ${serverUrl}: ${(error as Error).message}`, true);
  }
  const body = (await response.json().catch(() => ({}))) as Partial<PairResponse> & { error?: string; message?: string };
  if (!response.ok) {
    const reason = body.error ?? body.message ?? `HTTP ${response.status}`;
    throw new PairingError(`pairing refused: ${reason}`, response.status === 429 || response.status >= 500);
  }
  if (typeof body.deviceId !== 'string' || typeof body.storeId !== 'string' || typeof body.credential !== 'string') {
    throw new PairingError('pairing answer is missing the device id, store id or credential', true);
  }
  return { deviceId: body.deviceId, storeId: body.storeId, credential: body.credential };
}
