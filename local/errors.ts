/**
 * The local runtime's errors: its start (Java, tokens, faults), its HTTP front door and its Lambda
 * stand-in. `local/main.ts` prints the message alone for the ones the operator fixes (Java, tokens,
 * configuration). Each class names itself with a string literal, as everywhere in the tree.
 */
export abstract class LocalRuntimeError extends Error {
  override readonly name: string = 'LocalRuntimeError';
}

/** `FAULTS` does not read as `target:share,…`. */
export class FaultsSyntaxError extends LocalRuntimeError {
  override readonly name = 'FaultsSyntaxError';
}

export class JavaMissingError extends LocalRuntimeError {
  override readonly name = 'JavaMissingError';
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer on the PATH (`java -version` failed). Install a JRE, e.g. `apt-get install openjdk-17-jre-headless`.',
    );
  }
}

export class SameTokenError extends LocalRuntimeError {
  override readonly name = 'SameTokenError';
  constructor() {
    super('OFFICE_TOKEN must differ from API_TOKEN: with one token for both roles every reader could act as the office');
  }
}

/** A signal arrived while the runtime was starting: main stops at the next checkpoint. */
export class StopRequested extends LocalRuntimeError {
  override readonly name = 'StopRequested';
}

export class PayloadTooLargeError extends LocalRuntimeError {
  override readonly name = 'PayloadTooLargeError';
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** The message Lambda gives when a function runs past its timeout. */
export class InvocationTimeoutError extends LocalRuntimeError {
  override readonly name = 'InvocationTimeoutError';
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName}: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
  }
}

/** A function the runtime was not given (501 for HTTP and jobs). */
export class NotWiredError extends LocalRuntimeError {
  override readonly name = 'NotWiredError';
  constructor(what: string) {
    super(`${what} is not wired into the local runtime`);
  }
}
