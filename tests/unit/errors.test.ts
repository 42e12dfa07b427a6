import { describe, expect, it } from 'vitest';
import { assertIsError, describeError, errorMessage, errorName } from '../../shared/errors.js';

class ThingError extends Error {
  override readonly name = 'ThingError';
}

describe('assertIsError', () => {
  it('lets an Error through, subclasses included', () => {
    const err: unknown = new ThingError('broken');
    assertIsError(err);
    expect(err.message).toBe('broken');
  });

  it('rethrows what is not an Error as it was', () => {
    const thrown = { code: 'E_ODD' };
    expect(() => assertIsError(thrown)).toThrow(expect.objectContaining({ code: 'E_ODD' }));
    let caught: unknown;
    try {
      assertIsError('a string');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe('a string');
  });
});

describe('errorMessage, describeError and errorName', () => {
  it('read the name and message of an Error', () => {
    expect(errorMessage(new ThingError('broken'))).toBe('broken');
    expect(describeError(new ThingError('broken'))).toBe('ThingError: broken');
    expect(describeError(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(errorName(new ThingError('secret-bearing message'))).toBe('ThingError');
  });

  it('fall back to String() for anything else', () => {
    expect(errorMessage('timed out')).toBe('timed out');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
    expect(errorName('a message that may carry a secret')).toBe('string');
  });
});
