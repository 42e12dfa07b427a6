/**
 * The reminders' errors: the job that composes digests (send-reminders) and the one that delivers
 * them (deliver-notification). Each class names itself with a string literal: the `name` is the
 * `DeadLetters` metric's `Reason` and what the logs show.
 */
export abstract class ReminderError extends Error {
  override readonly name: string = 'ReminderError';
}

/** A manual run's `now` is not an ISO instant. */
export class InvalidRunInstantError extends ReminderError {
  override readonly name = 'InvalidRunInstantError';
}

/** The SQS body is not a `reminder.due` EventBridge event: it can never be delivered. */
export class InvalidReminderMessageError extends ReminderError {
  override readonly name = 'InvalidReminderMessageError';
}

/** Some channels did not take the digest; the record fails so SQS retries it (those channels only). */
export class DeliveryFailedError extends ReminderError {
  override readonly name = 'DeliveryFailedError';
  constructor(
    readonly digestId: string,
    readonly channels: string[],
  ) {
    super(`digest ${digestId} not delivered through ${channels.join(', ')}`);
  }
}

/** A unit names a channel kind this function has no sender for. */
export class NoSenderError extends ReminderError {
  override readonly name = 'NoSenderError';
}
