/**
 * The uploaded events that change a profile, read from their Segment envelope into typed
 * facts. The properties are checked here, at upload, so a malformed one is rejected with
 * a reason (and the device sets it aside) rather than half-applied later.
 */
import { z } from 'zod';
import { EVENT_NAMES, type TrackEvent } from '../../protocol/events';
import { identifierKindSchema, identifierSchema, type Identifier } from '../../protocol/identifiers';
import { profileSchema } from '../../protocol/profile';
import type { ProfileFields } from '../storage/sync-storage';

export type ProfileEvent =
  | { type: 'enrolled'; userId: string; fields: EnrolledFields }
  | { type: 'linked'; userId: string; identifier: Identifier; anonymousId: string | null }
  | { type: 'recognized'; userId: string; newVisit: boolean }
  | { type: 'order'; userId: string; total: number; items: OrderItem[] }
  | { type: 'greeted'; userId: string; ruleId: string };

export type EnrolledFields = Pick<ProfileFields, 'firstName' | 'lastName' | 'birthday' | 'memberSince' | 'consents'>;

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
}

const shape = profileSchema.shape;

const enrolledProperties = z.object({
  firstName: shape.firstName,
  lastName: shape.lastName.unwrap().nullable().optional(),
  birthday: shape.birthday.unwrap().nullable().optional(),
  memberSince: shape.memberSince.unwrap().nullable().optional(),
  consents: z.object({ greetPublic: z.boolean(), personalisedOffers: z.boolean(), tracking: z.boolean() }),
});

const linkedProperties = z.object({
  kind: identifierKindSchema,
  /** Absent for a beacon: its id is the event's anonymousId. */
  value: z.string().min(1).max(256).optional(),
});

const recognizedProperties = z.object({ newVisit: z.boolean().optional() });

const orderProperties = z.object({
  /** Major units (the kiosk sends pence / 100). */
  total: z.number().nonnegative().max(10_000_000),
  products: z
    .array(
      z.object({
        sku: z.string().min(1).max(40),
        name: z.string().min(1).max(80).optional(),
        quantity: z.number().int().min(1).max(1000).default(1),
      }),
    )
    .max(200)
    .default([]),
});

/** Segment's Promotion Viewed, as the agent sends it for a greeting on screen (main/recognition/recognizer.ts). */
const promotionViewedProperties = z.object({
  promotion_id: z.string().min(1).max(64),
  creative: z.string().max(40).optional(),
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${['properties', ...issue.path].join('.')}: ${issue.message}`).join('; ');

/**
 * A profile fact, `null` for an event that only goes on the timeline (or has no userId to
 * apply to), or `{ error }` when a profile event is malformed.
 */
export function readProfileEvent(event: TrackEvent): ProfileEvent | null | { error: string } {
  const userId = event.userId;
  switch (event.event) {
    case EVENT_NAMES.customerEnrolled: {
      if (userId === undefined) return { error: `${event.event} needs a userId` };
      const parsed = enrolledProperties.safeParse(event.properties);
      if (!parsed.success) return { error: describe(parsed.error) };
      const p = parsed.data;
      return {
        type: 'enrolled',
        userId,
        fields: {
          firstName: p.firstName,
          ...(p.lastName ? { lastName: p.lastName } : {}),
          ...(p.birthday ? { birthday: p.birthday } : {}),
          ...(p.memberSince ? { memberSince: p.memberSince } : {}),
          consents: p.consents,
        },
      };
    }
    case EVENT_NAMES.identityLinked: {
      if (userId === undefined) return { error: `${event.event} needs a userId` };
      const parsed = linkedProperties.safeParse(event.properties);
      if (!parsed.success) return { error: describe(parsed.error) };
      const value = parsed.data.value ?? (parsed.data.kind === 'beacon' ? event.anonymousId : undefined);
      const identifier = identifierSchema.safeParse({ kind: parsed.data.kind, value });
      if (!identifier.success) return { error: `${event.event}: a ${parsed.data.kind} link needs properties.value` };
      return { type: 'linked', userId, identifier: identifier.data, anonymousId: event.anonymousId ?? null };
    }
    case EVENT_NAMES.customerRecognized: {
      const parsed = recognizedProperties.safeParse(event.properties);
      if (!parsed.success) return { error: describe(parsed.error) };
      return userId === undefined ? null : { type: 'recognized', userId, newVisit: parsed.data.newVisit === true };
    }
    case EVENT_NAMES.orderCompleted: {
      const parsed = orderProperties.safeParse(event.properties);
      if (!parsed.success) return { error: describe(parsed.error) };
      if (userId === undefined) return null; // a walk-in: on record, but nobody's profile
      const items = parsed.data.products.map((p) => ({ sku: p.sku, name: p.name ?? p.sku, quantity: p.quantity }));
      return { type: 'order', userId, total: parsed.data.total, items };
    }
    case EVENT_NAMES.promotionViewed: {
      const parsed = promotionViewedProperties.safeParse(event.properties);
      if (!parsed.success) return { error: describe(parsed.error) };
      // Someone without tracking consent is greeted under an anonymous id: nothing to remember it on.
      if (userId === undefined || parsed.data.creative !== 'greeting') return null;
      return { type: 'greeted', userId, ruleId: parsed.data.promotion_id };
    }
    default:
      return null;
  }
}
