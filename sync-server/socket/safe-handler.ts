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
export function invalid(context: SyncContext, message: string): SyncError {
  context.metrics.invalidMessages += 1;
  return { error: message };
}
