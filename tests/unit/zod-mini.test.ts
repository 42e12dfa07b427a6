import { describe, expect, it } from 'vitest';
import * as z from '../../shared/zod.js';

describe('shared/zod (Zod Mini for the bundles)', () => {
  it('speaks the English messages, not "Invalid input" (Mini loads no locale by itself)', () => {
    const r = z.strictObject({ title: z.string().check(z.minLength(1)) }).safeParse({ title: '', extra: 1 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      'Too small: expected string to have >=1 characters',
      'Unrecognized key: "extra"',
    ]);
  });
});
