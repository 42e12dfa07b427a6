/**
 * The logger every app and shared module writes through: the four levels, each with structured
 * fields. Powertools' `Logger` satisfies it as it is, so only the handlers (and the local runtime)
 * build one and import Powertools; tests pass a recording fake.
 */
export interface Logger {
  debug(message: string, ...attributes: Array<Record<string, unknown>>): void;
  info(message: string, ...attributes: Array<Record<string, unknown>>): void;
  warn(message: string, ...attributes: Array<Record<string, unknown>>): void;
  error(message: string, ...attributes: Array<Record<string, unknown>>): void;
}
