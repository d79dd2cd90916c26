/** The bytes of a pull page back into changes: an array or a clear error, never a partial page. */
import { describe, expect, it } from 'vitest';
import { changeSchema, decodeChanges } from './sync';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeChanges', () => {
  it('reads the array head office spliced together, unicode included', () => {
    const changes = decodeChanges(bytes('[{"version":3,"collection":"profiles","key":"p-\\"1","op":"upsert","data":{"firstName":"Zoë"}},{"version":4,"collection":"profiles","key":"p-2","op":"delete"}]'));
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatchObject({ key: 'p-"1', data: { firstName: 'Zoë' } });
    expect(changeSchema.safeParse(changes[1]).success).toBe(true);
  });

  it('takes an ArrayBuffer as a browser client receives it', () => {
    expect(decodeChanges(bytes('[]').buffer as ArrayBuffer)).toEqual([]);
  });

  it('refuses anything but a JSON array', () => {
    expect(() => decodeChanges(bytes('{"version":1}'))).toThrow('not a JSON array');
    expect(() => decodeChanges(bytes('[{"version":1'))).toThrow(SyntaxError);
  });
});
