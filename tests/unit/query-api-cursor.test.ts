import { describe, expect, it } from 'vitest';
import { cursorCodec, InvalidCursorError } from '../../functions/query-api/cursor.js';

const KEY = 'cursor-key-for-tests-0123456789';

describe('cursorCodec', () => {
  it('round-trips a payload through an opaque base64url string', () => {
    const codec = cursorCodec(KEY);
    const payload = {
      v: 1,
      r: 'reports',
      p: 'jining-sports-2023',
      t: 'T08',
      k: { pk: 'PLAN#x#TASK#T08', sk: 'REPORT#2023-06-01T02:00:00.000Z#msg_1' },
    };
    const cursor = codec.encode(payload);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor)).toEqual(payload);
  });

  it('accepts a Uint8Array key equal to the string key', () => {
    const cursor = cursorCodec(KEY).encode({ o: 1 });
    expect(cursorCodec(new TextEncoder().encode(KEY)).decode(cursor)).toEqual({ o: 1 });
  });

  it('rejects any change to the payload or the signature', () => {
    const codec = cursorCodec(KEY);
    const cursor = codec.encode({ o: 50 });
    const [body, mac] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ o: 0 })).toString('base64url');
    const flip = (s: string, i: number) => `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    for (const bad of [
      `${forged}.${mac}`,
      `${flip(body, 0)}.${mac}`,
      `${body}.${flip(mac, 3)}`,
      `${body}.${mac.slice(0, -2)}`,
      `${body}.${mac}.x`,
      `${body}.`,
      `.${mac}`,
      body,
      '',
    ]) {
      expect(() => codec.decode(bad), bad).toThrow(InvalidCursorError);
    }
  });

  it('rejects a cursor signed with another key', () => {
    const cursor = cursorCodec('some-other-key-0123456789abcdef').encode({ o: 1 });
    expect(() => cursorCodec(KEY).decode(cursor)).toThrow(InvalidCursorError);
  });

  it('during a key rotation accepts cursors of the current and the previous key, and signs with the current', () => {
    const PREVIOUS = 'the-previous-cursor-key-0123456789';
    const old = cursorCodec(PREVIOUS).encode({ o: 20 });
    const rotated = cursorCodec([KEY, PREVIOUS]);
    expect(rotated.decode(old)).toEqual({ o: 20 });
    const fresh = rotated.encode({ o: 40 });
    expect(cursorCodec(KEY).decode(fresh)).toEqual({ o: 40 });
    expect(() => cursorCodec(PREVIOUS).decode(fresh)).toThrow(InvalidCursorError);
    expect(() => rotated.decode(cursorCodec('a-third-key-never-configured-0123').encode({ o: 1 }))).toThrow(InvalidCursorError);
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(() => cursorCodec('short')).toThrow(/16 bytes/);
  });
});
