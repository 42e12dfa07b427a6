import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '../../events/schemas.js';
import { stageConfig } from '../../infra/config.js';
import { HandlerFunction } from '../../infra/constructs/handler-function.js';
import { WiringError } from '../../infra/errors.js';
import { PUBLISHES, TABLE_ACCESS } from '../../infra/permissions.js';
import type { FunctionName } from '../../infra/functions.js';
import { FIXTURE_ENTRY } from './helpers.js';

/** One function in a stack of its own with a table and a bus, not bundled (no esbuild run). */
function withFunction(name: FunctionName, wire: (fn: HandlerFunction, table: Table, bus: EventBus) => void) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const bus = new EventBus(stack, 'Bus');
  const fn = new HandlerFunction(stack, 'Fn', { name, config: stageConfig('dev'), entryFor: () => FIXTURE_ENTRY });
  wire(fn, table, bus);
  return { template: Template.fromStack(stack), stack };
}

const tableArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] };

describe('HandlerFunction.bindTable', () => {
  it('sets TABLE_NAME and grants exactly the statements of TABLE_ACCESS, on the table, per partition', () => {
    const { template } = withFunction('ingest-webhook', (fn, table) => fn.bindTable(table));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ TABLE_NAME: { Ref: Match.stringLikeRegexp('^Table') }, POWERTOOLS_SERVICE_NAME: 'ingest-webhook' }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith(
          TABLE_ACCESS['ingest-webhook'].map((a) => ({
            Effect: 'Allow',
            Action: a.actions.length === 1 ? `dynamodb:${a.actions[0]}` : a.actions.map((x) => `dynamodb:${x}`),
            Resource: tableArn,
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...a.leadingKeys] } },
          })),
        ),
      },
    });
    // Nothing else on the table: no statement without the partition condition.
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Condition?: unknown }[] } } }).Properties.PolicyDocument
          .Statement,
    );
    const onTable = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(onTable).toHaveLength(TABLE_ACCESS['ingest-webhook'].length);
    for (const s of onTable) expect(s.Condition).toBeDefined();
  });

  it('refuses a function the registry gives no table access', () => {
    expect(() => withFunction('relay-outbox', (fn, table) => fn.bindTable(table))).toThrow(WiringError);
  });
});

describe('HandlerFunction.bindBus', () => {
  it('sets EVENT_BUS_NAME and lets the function put only its detail-types, with the system source', () => {
    const { template } = withFunction('send-reminders', (fn, _table, bus) => fn.bindBus(bus));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: Match.stringLikeRegexp('^Bus') } }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
            Condition: { StringEquals: { 'events:detail-type': [...PUBLISHES['send-reminders']!], 'events:source': [EVENT_SOURCE] } },
          },
        ]),
      },
    });
  });

  // office-api too since issue 18: its decisions and amendments reach the bus through the table's stream.
  it.each(['query-api', 'office-api'] as const)('refuses a function that publishes nothing (%s)', (name) => {
    expect(() => withFunction(name, (fn, _table, bus) => fn.bindBus(bus))).toThrow(WiringError);
  });
});
