/**
 * Behaviour events as they cross the wire from a store to head office.
 *
 * The envelope is the Segment Spec's (`type`, `event`, `messageId`, `userId` /
 * `anonymousId`, `context`, `originalTimestamp`, `sentAt`) so head office can take the
 * same shape from the web and the apps. Retail names come from the Segment e-commerce
 * spec where one exists ("Promotion Viewed", "Order Completed"); the rest are ours.
 */
import { z } from 'zod';

export const EVENT_NAMES = {
  /** A person was identified in the store (beacon or scan). */
  customerRecognized: 'Customer Recognized',
  /** A tracked device came near a screen's zone. */
  zoneEntered: 'Zone Entered',
  /** A tracked device stayed in a zone long enough to count as dwelling. */
  zoneDwelled: 'Zone Dwelled',
  /** A tracked device left a screen's zone; carries the dwell time. */
  zoneLeft: 'Zone Left',
  /** A rule chose what to show a person (or chose nothing, with the reason). */
  greetingDecided: 'Greeting Decided',
  /** Segment spec: the greeting or offer was actually on screen. */
  promotionViewed: 'Promotion Viewed',
  /** Segment spec: an order confirmed at the till (items, total, coupon, staff, kiosk). */
  orderCompleted: 'Order Completed',
  /** A new member signed up at the counter; carries what they gave and the consents they chose. */
  customerEnrolled: 'Customer Enrolled',
  /**
   * An identifier now belongs to a profile. For a beacon, `anonymousId` is the beacon id its
   * anonymous history was recorded under, so head office can join that history (Segment's alias).
   */
  identityLinked: 'Identity Linked',
} as const;

export type EventName = (typeof EVENT_NAMES)[keyof typeof EVENT_NAMES];

export const eventContextSchema = z.object({
  store: z.object({ id: z.string().min(1) }),
  device: z.object({ id: z.string().min(1), type: z.literal('store-agent') }),
  app: z.object({ name: z.string(), version: z.string() }),
  screen: z.object({ id: z.string() }).optional(),
});

export const trackEventSchema = z
  .object({
    type: z.literal('track'),
    event: z.string().min(1).max(200),
    messageId: z.uuid(),
    userId: z.string().min(1).optional(),
    anonymousId: z.string().min(1).optional(),
    context: eventContextSchema,
    properties: z.record(z.string(), z.unknown()),
    /** The device's clock when the event happened (ISO 8601). */
    originalTimestamp: z.iso.datetime({ offset: true }),
    /** The device's clock when the event left for head office; null until uploaded. */
    sentAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .refine((e) => e.userId !== undefined || e.anonymousId !== undefined, {
    message: 'an event needs a userId or an anonymousId',
  });

export type EventContext = z.infer<typeof eventContextSchema>;
export type TrackEvent = z.infer<typeof trackEventSchema>;
