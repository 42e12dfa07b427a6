/**
 * The business clock. Locally it may start at `CLOCK` and run on; in AWS it is the system clock
 * (shared/time/clocks.ts has both, and the fixed clock of the tests).
 */
export interface Clock {
  now(): Date;
}
