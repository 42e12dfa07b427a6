import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag rules this app acknowledges somewhere (each on its construct, with a reason). */
export type AcknowledgedNagRule = 'AwsSolutions-SQS3' | 'AwsSolutions-SMG4' | 'AwsSolutions-APIG4';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on one construct. The id is qualified with the
 * plugin namespace (`AwsSolutions::`): an unqualified id would be taken for an annotation.
 */
export function acknowledgeNag(construct: IConstruct, rule: AcknowledgedNagRule, reason: string): void {
  Validations.of(construct).acknowledge({ id: `AwsSolutions::${rule}`, reason });
}
