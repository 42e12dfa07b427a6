/**
 * The errors the adapters behind the ports reject with, for callers that act on them: the bus
 * (`EventBus.publish`), the DynamoDB state store and the group robots. Each class names itself with a
 * string literal: the `name` is the `DeadLetters` metric's `Reason` and what the logs show.
 */
export abstract class AdapterError extends Error {
  override readonly name: string = 'AdapterError';
}

/** The bus did not durably take every event (`failedCount` of them); the caller may retry them all. */
export class BusPublishError extends AdapterError {
  override readonly name = 'BusPublishError';
  constructor(
    message: string,
    readonly failedCount: number,
  ) {
    super(message);
  }
}

/** A source reached its cap of distinct events for a plan (MAX_EVENTS_PER_SOURCE): a new eventId is refused. */
export class EventCapReachedError extends AdapterError {
  override readonly name = 'EventCapReachedError';
  constructor(sourceId: string, planId: string, cap: number) {
    super(`source ${sourceId} has registered ${cap} events for plan ${planId}, the most allowed; new eventIds are refused`);
  }
}

/** A unit's state item lost every conditional write to concurrent writers; the message is retried. */
export class UnitStateContentionError extends AdapterError {
  override readonly name = 'UnitStateContentionError';
}

/** The robot-URL secret has no entry for a channel's `secretKey` (or a malformed one). */
export class RobotNotConfiguredError extends AdapterError {
  override readonly name = 'RobotNotConfiguredError';
}

/** A robot answered with an HTTP error or a non-zero `errcode`. The message never contains the URL. */
export class RobotRejectedError extends AdapterError {
  override readonly name = 'RobotRejectedError';
  constructor(
    message: string,
    readonly status: number,
    readonly errcode?: number,
  ) {
    super(message);
  }
}

/** The request to a robot did not complete (network, timeout). The message never contains the URL. */
export class RobotUnreachableError extends AdapterError {
  override readonly name = 'RobotUnreachableError';
}

/** A consumer's message that is well-formed but can never apply (e.g. the plan no longer has its task). */
export class UnappliableMessageError extends AdapterError {
  override readonly name = 'UnappliableMessageError';
}

/** A consumer's message that is not an event of its queue (not JSON, or not the contract). */
export class MalformedMessageError extends AdapterError {
  override readonly name = 'MalformedMessageError';
}
