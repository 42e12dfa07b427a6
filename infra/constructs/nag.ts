import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag rules this app acknowledges somewhere (each on its construct, with a reason). */
export type AcknowledgedNagRule =
  | 'AwsSolutions-SQS3'
  | 'AwsSolutions-SMG4'
  | 'AwsSolutions-APIG4'
  // The dashboard (infra/constructs/dashboard.ts): CloudFront without WAF or a custom
  // certificate when none is configured, and CDK's BucketDeployment handler.
  | 'AwsSolutions-CFR2'
  | 'AwsSolutions-CFR4'
  | `AwsSolutions-IAM4[${string}]`
  | `AwsSolutions-IAM5[${string}]`
  | 'AwsSolutions-L1';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on one construct. The id is qualified with the
 * plugin namespace (`AwsSolutions::`): an unqualified id would be taken for an annotation.
 */
export function acknowledgeNag(construct: IConstruct, rule: AcknowledgedNagRule, reason: string): void {
  Validations.of(construct).acknowledge({ id: `AwsSolutions::${rule}`, reason });
}
