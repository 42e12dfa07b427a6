/**
 * The plan's errors: its data, its lookup and the notice importer (shared/plan/import). Each class
 * names itself with a string literal (a bundler may rename classes; the `name` reaches logs, the
 * `DeadLetters` metric's `Reason` and the import CLI's output).
 */
export abstract class PlanError extends Error {
  override readonly name: string = 'PlanError';
}

/** A plan data file (shared/plan/plans) does not validate, or names a unit the directory lacks. */
export class PlanDataError extends PlanError {
  override readonly name = 'PlanDataError';
}

/** A run names a plan the catalog does not have. */
export class UnknownPlanError extends PlanError {
  override readonly name = 'UnknownPlanError';
  constructor(readonly planId: string) {
    super(`unknown plan ${planId}`);
  }
}

/** The notice's bytes are neither UTF-8 nor GB18030 (or are not text at all). */
export class NoticeDecodeError extends PlanError {
  override readonly name = 'NoticeDecodeError';
}

/** The text does not read as a 工作要点 notice: no numbered sections or items were found. */
export class NoticeFormatError extends PlanError {
  override readonly name = 'NoticeFormatError';
}

/**
 * The draft built from the notice does not validate against the plan schema. This is a bug of the
 * importer, not of the notice: the importer must always mark what it cannot decide in a form the schema
 * accepts.
 */
export class DraftInvalidError extends PlanError {
  override readonly name = 'DraftInvalidError';
}
