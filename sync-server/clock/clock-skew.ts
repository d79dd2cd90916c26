/**
 * Segment's clock-skew rule: a device's clock may be wrong, but the time between the event
 * and its upload (sentAt − originalTimestamp) is measured on that same clock, so it is
 * right. Head office anchors it to its own receive time:
 *
 *   timestamp = receivedAt − (sentAt − originalTimestamp)
 *
 * Without sentAt the device's time is all there is. The result is never later than
 * receivedAt: an event cannot have happened after it arrived, whatever the device says.
 */
export function correctTimestamp(originalTimestamp: string, sentAt: string | null, receivedAt: Date): Date {
  const original = Date.parse(originalTimestamp);
  if (sentAt === null) return new Date(Math.min(original, receivedAt.getTime()));
  const delay = Date.parse(sentAt) - original;
  return new Date(receivedAt.getTime() - Math.max(0, delay));
}
