/**
 * The infrastructure's errors: CDK context that does not parse and constructs wired against the
 * rules of shared/routing.ts. They stop `cdk synth` with a message that names the context key or the
 * rule. Each class names itself with a string literal, as everywhere in the tree.
 */
export abstract class InfraError extends Error {
  override readonly name: string = 'InfraError';
}

/** A construct was wired against the rules of shared/routing.ts (wrong consumer, timeouts too long). */
export class WiringError extends InfraError {
  override readonly name = 'WiringError';
}

/** Context `stage` is not one of the deployment stages. */
export class UnknownStageError extends InfraError {
  override readonly name = 'UnknownStageError';
  constructor(stage: string, stages: readonly string[]) {
    super(`unknown stage "${stage}": expected one of ${stages.join(', ')}`);
  }
}

export class InvalidTracingContextError extends InfraError {
  override readonly name = 'InvalidTracingContextError';
  constructor(value: unknown) {
    super(`context tracing must be true or false, not ${JSON.stringify(value)}`);
  }
}

export class IncompleteOidcConfigError extends InfraError {
  override readonly name = 'IncompleteOidcConfigError';
  constructor() {
    super('context oidcIssuer and oidcAudience must be given together');
  }
}

/** The dashboard's context (client, domain, certificate, countries) does not fit together. */
export class DashboardConfigError extends InfraError {
  override readonly name = 'DashboardConfigError';
}
