/**
 * The HLC an uploaded event writes with. Devices send no clock of their own in this
 * protocol, so it is built from what they do send: the skew-corrected time (so devices
 * with wrong clocks still compare fairly), the device's outbox seq as the counter (its
 * own events in the same millisecond keep their order), and the device id as the node.
 */
import { encodeHlc, type Hlc } from '../clock/hlc';

export function eventClock(timestamp: Date, seq: number, deviceId: string): Hlc {
  return { wall: timestamp.getTime(), counter: seq, node: `device:${deviceId}` };
}

export function encodedEventClock(timestamp: Date, seq: number, deviceId: string): string {
  return encodeHlc(eventClock(timestamp, seq, deviceId));
}
