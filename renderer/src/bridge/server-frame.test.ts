import { describe, expect, it } from 'vitest';
import { parseServerFrame } from './server-frame';

describe('parseServerFrame', () => {
  it('reads successful and failed responses', () => {
    expect(parseServerFrame('{"kind":"response","id":3,"ok":true,"result":{"recorded":true}}')).toEqual({
      kind: 'response',
      id: 3,
      ok: true,
      result: { recorded: true },
    });
    expect(parseServerFrame('{"kind":"response","id":4,"ok":false,"error":"invalid args"}')).toEqual({
      kind: 'response',
      id: 4,
      ok: false,
      error: 'invalid args',
    });
  });

  it('reads events with a known name', () => {
    expect(parseServerFrame('{"kind":"event","name":"greeting","payload":{"text":"Hi"}}')).toEqual({
      kind: 'event',
      name: 'greeting',
      payload: { text: 'Hi' },
    });
  });

  it('gives a failed response without a message a generic one', () => {
    expect(parseServerFrame('{"kind":"response","id":1,"ok":false}')).toMatchObject({ ok: false, error: 'request failed' });
  });

  it.each([
    ['not JSON', 'nope{'],
    ['binary data', new ArrayBuffer(4)],
    ['a JSON array', '[1,2]'],
    ['null', 'null'],
    ['an unknown kind', '{"kind":"request","id":1,"name":"x","args":{}}'],
    ['an unknown event', '{"kind":"event","name":"toString","payload":{}}'],
    ['a response without an id', '{"kind":"response","ok":true,"result":1}'],
    ['a negative id', '{"kind":"response","id":-1,"ok":true,"result":1}'],
    ['a fractional id', '{"kind":"response","id":1.5,"ok":true,"result":1}'],
    ['a response without ok', '{"kind":"response","id":1,"result":1}'],
  ])('ignores %s', (_label, data) => {
    expect(parseServerFrame(data)).toBeNull();
  });
});
