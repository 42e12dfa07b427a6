/**
 * Configuration that is missing or malformed: a function's environment, the local runtime's, the
 * office role (CDK context and `OFFICE_CLAIM`) and the operator's holiday overrides. The base is
 * thrown itself for the environment; each class names itself with a string literal (a bundler may
 * rename classes, and the `name` is what the logs show).
 */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

/** The office role is not `<claim>=<value>`. */
export class InvalidOfficeRoleError extends ConfigError {
  override readonly name = 'InvalidOfficeRoleError';
}

/** An override source that is not valid: the job stops rather than chase people on a public holiday. */
export class CalendarOverrideError extends ConfigError {
  override readonly name = 'CalendarOverrideError';
}
