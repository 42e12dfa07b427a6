import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, type SupervisionApp } from '../../infra/create-app.js';
import { REPO_ROOT } from '../../infra/constructs/handler-function.js';
import type { EntryResolver } from '../../infra/functions.js';

/** The stand-in Lambda entry of the fine-grained tests. */
export const FIXTURE_ENTRY = resolve(REPO_ROOT, 'tests', 'infra', 'fixtures', 'handler.ts');

/** The context `cdk synth` gives the app: cdk.json's (feature flags, stage). */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

export interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly description: string;
  readonly violatingConstructs?: readonly { constructPath: string }[];
}
export interface ValidationReport {
  readonly pluginReports: readonly { pluginName: string; conclusion: string; violations: readonly Violation[] }[];
}

/** Every violation any validation plugin (cdk-nag, CloudFormation Validate) reported, as text. */
export function unacknowledgedFindings(report: ValidationReport): string[] {
  return report.pluginReports.flatMap((p) =>
    p.violations.map(
      (v) => `${p.pluginName} ${v.severity} ${v.ruleName} at ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`,
    ),
  );
}

export interface SynthOptions {
  readonly context?: Record<string, unknown>;
  /** Bundle the (fixture) functions with esbuild; off skips bundling for a faster synth. */
  readonly bundle?: boolean;
  /** Where each function's code is; the fixture entry for all by default. */
  readonly entryFor?: EntryResolver;
  /** Changes to the app before synthesis (e.g. a deliberately non-compliant resource). */
  readonly mutate?: (app: SupervisionApp) => void;
}

export interface Synthesized extends SupervisionApp {
  readonly template: Template;
  readonly report: ValidationReport;
  readonly outdir: string;
}

/** Synthesizes the app as `cdk synth` would, with the fixture entry for every function. */
export function synthesizeWithFixtures(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'supervision-cdk-'));
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...options.context };
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const created = createApp({ appProps: { outdir, context }, entryFor: options.entryFor ?? (() => FIXTURE_ENTRY) });
  options.mutate?.(created);
  let assembly;
  try {
    assembly = created.app.synth();
  } catch (e) {
    rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  return { ...created, template: Template.fromStack(created.stack), report, outdir };
}

export type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }
>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

/** Every policy statement in the template: IAM policies, roles, resource policies, key policies. */
export function allStatements(template: Template): { resource: string; statement: Statement }[] {
  const out: { resource: string; statement: Statement }[] = [];
  const visit = (resource: string, node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((n) => visit(resource, n));
    } else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (Array.isArray(obj.Statement)) for (const s of obj.Statement as Statement[]) out.push({ resource, statement: s });
      for (const v of Object.values(obj)) visit(resource, v);
    }
  };
  for (const [id, r] of Object.entries(template.toJSON().Resources as Resources)) visit(id, r.Properties);
  return out;
}

export function actionsOf(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` or `{ Ref: id }` → id. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  }
  return undefined;
}
