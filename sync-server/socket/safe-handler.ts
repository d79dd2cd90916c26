/**
 * Wraps a request handler so that nothing a device sends can crash the server: a message
 * without an ack callback is dropped (there is nobody to answer), a handler's failure is
 * logged and answered with a generic error, and the work is tracked for graceful shutdown.
 */
import type { SyncError } from '../../protocol/sync';
import type { SyncContext } from '../sync-context';
import type { DeviceSocket } from './device-socket';

export function safeHandler<T>(
  context: SyncContext,
  socket: DeviceSocket,
  name: string,
  handle: (payload: unknown) => Promise<T | SyncError>,
): (...args: unknown[]) => void {
  return (...args: unknown[]): void => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') {
      context.metrics.invalidMessages += 1;
      context.log.debug({ deviceId: socket.data.deviceId, event: name }, 'message without an ack callback dropped');
      return;
    }
    const payload = args.length > 1 ? args[0] : undefined;
    const work = handle(payload).catch((error: unknown): SyncError => {
      context.log.error({ err: error, deviceId: socket.data.deviceId, event: name }, 'sync request failed');
      return { error: `${name} failed on the server; retry later` };
    });
    void context.inFlight.track(
      work.then((response) => {
        try {
          (ack as (response: T | SyncError) => void)(response);
        } catch (error) {
          context.log.warn({ err: error, event: name }, 'ack failed');
        }
      }),
    );
  };
}

/** A validation failure's answer, counted. */
/**
 * A device reads its own store, the one its credential belongs to, and names none. A request
 * that names one (its own or another's) is refused outright rather than quietly answered
 * for the device's store: the device is broken or probing, and should hear so.
 */
export function refuseNamedStore(context: SyncContext, payload: unknown): SyncError | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  if (!('storeId' in payload) && !('store' in payload)) return undefined;
  return invalid(context, 'a device reads only its own store, the one its credential belongs to: a request must not name a store');
}

export function invalid(context: SyncContext, message: string): SyncError {
  context.metrics.invalidMessages += 1;
  return { error: message };
}
