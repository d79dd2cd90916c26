/** checkPage: a page off the wire becomes rows to write, other changes to apply, and refusals with a reason. */
import { describe, expect, it } from 'vitest';
import { checkPage, packChecked, unpackChecked } from './page-check';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const consents = { greetPublic: true, personalisedOffers: false, tracking: true };
const profile = { id: 'p-1', firstName: 'Ana', lastName: 'Lima', points: 10, visitCount: 2, consents, identifiers: [{ kind: 'email', value: ' Ana@Example.com ' }] };
const AT = '2026-11-30T09:00:00.000Z';

describe('checkPage', () => {
  it('turns a valid profile upsert into its row, with identifiers in canonical form', () => {
    const [checked] = checkPage(encode([{ version: 7, collection: 'profiles', key: 'p-1', op: 'upsert', data: profile }]), AT);
    expect(checked).toEqual({
      kind: 'profile',
      version: 7,
      key: 'p-1',
      profile: {
        values: ['Ana', 'Lima', null, null, null, 10, null, 2, null, null, null, 1, 0, 1, null, AT, 'p-1'],
        identifiers: [{ kind: 'email', value: 'ana@example.com' }],
      },
    });
  });

  it('passes deletions and other collections on as checked changes, in page order', () => {
    const checked = checkPage(encode([
      { version: 1, collection: 'profiles', key: 'p-9', op: 'delete' },
      { version: 2, collection: 'rules', key: 'default', op: 'upsert', data: { rules: [] } },
    ]), AT);
    expect(checked.map((c) => c.kind)).toEqual(['change', 'change']);
    expect(checked[1]).toMatchObject({ change: { version: 2, collection: 'rules', key: 'default' } });
  });

  it('refuses a malformed change, an invalid profile and a profile filed under another key, each with its reason', () => {
    const checked = checkPage(encode([
      { version: 1, collection: 'profiles', op: 'upsert' },
      { version: 2, collection: 'profiles', key: 'p-2', op: 'upsert', data: { ...profile, id: 'p-2', firstName: '' } },
      { version: 3, collection: 'profiles', key: 'p-3', op: 'upsert', data: profile },
      { version: 4, collection: 'profiles', key: 'p-4', op: 'upsert', data: { ...profile, id: 'p-4', identifiers: [{ kind: 'email', value: 'not an email' }] } },
    ]), AT);
    expect(checked).toEqual([
      { kind: 'invalid', key: '', reason: expect.stringContaining('malformed change') },
      { kind: 'invalid', key: 'p-2', reason: expect.stringContaining('firstName') },
      { kind: 'invalid', key: 'p-3', reason: 'invalid profile: id does not match key' },
      { kind: 'invalid', key: 'p-4', reason: expect.stringContaining('not an email') },
    ]);
  });

  it('throws on a page that is not a JSON array', () => {
    expect(() => checkPage(encode({ changes: [] }))).toThrow(/not a JSON array/);
    expect(() => checkPage(new TextEncoder().encode('[{"version":'))).toThrow();
  });
});

describe('packChecked / unpackChecked', () => {
  it('round-trips profiles with any number of identifiers, changes and refusals, in order', () => {
    const checked = checkPage(encode([
      { version: 1, collection: 'profiles', key: 'p-1', op: 'upsert', data: { ...profile, identifiers: [{ kind: 'loyalty', value: 'L1' }, { kind: 'app', value: 'A1' }, { kind: 'phone', value: '+44 7700 900123' }] } },
      { version: 2, collection: 'profiles', key: 'p-9', op: 'delete' },
      { version: 3, collection: 'profiles', key: 'p-3', op: 'upsert', data: { ...profile, id: 'p-3', lastName: undefined, tier: 'gold', allergies: ['peanuts'] } },
      { version: 4, collection: 'profiles', op: 'upsert' },
    ]), AT);
    expect(unpackChecked(packChecked(checked))).toEqual(checked);
    expect(unpackChecked([])).toEqual([]);
  });

  it('refuses a packed page it cannot read rather than misreading it', () => {
    expect(() => unpackChecked([7, 'x'])).toThrow(/unknown tag 7/);
  });
});
