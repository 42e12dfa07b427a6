/** A construct was wired against the rules of shared/routing.ts (wrong consumer, timeouts too long). */
export class WiringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WiringError';
  }
}
