/** The robot-URL secret has no entry for a channel's `secretKey` (or a malformed one). */
export class RobotNotConfiguredError extends Error {
  override readonly name = 'RobotNotConfiguredError';
}

/** A robot answered with an HTTP error or a non-zero `errcode`. The message never contains the URL. */
export class RobotRejectedError extends Error {
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
export class RobotUnreachableError extends Error {
  override readonly name = 'RobotUnreachableError';
}
