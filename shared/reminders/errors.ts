/** The job was asked for a plan the catalog does not have. */
export class UnknownPlanError extends Error {
  override readonly name = 'UnknownPlanError';
  constructor(readonly planId: string) {
    super(`unknown plan ${planId}`);
  }
}

/** A manual run's `now` is not an ISO instant. */
export class InvalidRunInstantError extends Error {
  override readonly name = 'InvalidRunInstantError';
}
