/**
 * What a catch block needs from the value it caught. `catch (err)` is `unknown`: a library may throw
 * a string or a plain object, and a cast `(err as Error).message` then reads `undefined` into a log
 * line or a wrapping error. Each area's own error classes live in its `errors.ts` (shared/plan,
 * shared/reminders, …); this module only reads what was thrown.
 */

/** Narrows a caught value to an `Error`; anything else is rethrown as it was, so a rethrow path stays one. */
export function assertIsError(err: unknown): asserts err is Error {
  if (!(err instanceof Error)) throw err;
}

/** The message of a caught value, for a log line or a wrapping error; `String(err)` when it is no `Error`. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `Name: message`, the form the logs and dead-letter reasons use; `String(err)` when it is no `Error`. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Only the name (`TimeoutError`), for a log line that must not carry a message; the value's type when it is no `Error`. */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
