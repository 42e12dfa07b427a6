/**
 * The scripts' errors (scripts/*.ts). A `UsageError` (or a script's own kind of it) is a mistake on
 * the command line: the script prints it with its usage and exits 2; anything else exits 1 with the
 * error's name. Each class names itself with a string literal, as everywhere in the tree.
 */
export abstract class ScriptError extends Error {
  override readonly name: string = 'ScriptError';
}

/** What `parseArgs` refuses: an unknown flag, a flag without its value, a stray argument. */
export class UsageError extends ScriptError {
  override readonly name: string = 'UsageError';
}

/** A value `npm run ops` itself rejects (a queue, a count). */
export class OpsUsageError extends UsageError {
  override readonly name = 'OpsUsageError';
}

/** A value `npm run sign` itself rejects: a missing `--source` or `--file`, a malformed `--id`, `--timestamp` or `--url`. */
export class SignUsageError extends UsageError {
  override readonly name = 'SignUsageError';
}

/** `npm run import-plan` was given arguments it cannot read. */
export class ImportPlanUsageError extends UsageError {
  override readonly name = 'ImportPlanUsageError';
}

/** A deployed stack is not what ops expects: a queue missing, untagged or without its ARN. */
export class OpsError extends ScriptError {
  override readonly name = 'OpsError';
}

/** The notice file could not be read (missing, a directory, no permission). */
export class NoticeFileError extends ScriptError {
  override readonly name = 'NoticeFileError';
}
