import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '../../events/schemas.js';
import { TTL_ATTRIBUTE } from '../../shared/adapters/dynamodb/table-definition.js';
import { OUTBOX_KINDS } from '../../shared/adapters/dynamodb/outbox.js';
import {
  QUEUE_TAG,
  QUEUES,
  SCHEDULES,
  STREAM_RELAY,
  deadLetterQueueTag,
  workQueueTag,
  type QueueName,
  type ScheduleName,
} from '../../shared/routing.js';
import { API_ROUTES, OFFICE_ROUTES, WEBHOOK_ROUTE, routeKey } from '../../shared/api/routes.js';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/handler-function.js';
import { FUNCTION_NAMES, FUNCTIONS, type FunctionName } from '../../infra/functions.js';
import { PUBLISHES, STREAM_READ, TABLE_ACCESS } from '../../infra/permissions.js';
import { businessMetric } from '../../infra/constructs/monitoring.js';
import { WiringError } from '../../infra/errors.js';
import { BUSINESS_METRICS, METRIC_NAMES, METRICS_NAMESPACE, type MetricName } from '../../shared/observability/metrics.js';
import {
  actionsOf,
  allStatements,
  refId,
  resourcesOf,
  synthesizeWithFixtures,
  unacknowledgedFindings,
  type Resources,
  type Synthesized,
} from './helpers.js';

// One synthesis (dev stage, fixture handlers bundled by esbuild) shared by every test of this file.
let synth: Synthesized;
let functions: Resources;
let queues: Resources;
const fnIdByName = new Map<FunctionName, string>();

beforeAll(() => {
  synth = synthesizeWithFixtures();
  functions = resourcesOf(synth.template, 'AWS::Lambda::Function');
  queues = resourcesOf(synth.template, 'AWS::SQS::Queue');
  for (const [id, fn] of Object.entries(functions)) {
    const env = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    fnIdByName.set(env.POWERTOOLS_SERVICE_NAME as FunctionName, id);
  }
});

afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

function fnId(name: FunctionName): string {
  const id = fnIdByName.get(name);
  if (!id) throw new Error(`no function ${name} in the template`);
  return id;
}

/** The Allow statements of the role a function runs with. */
function roleStatements(name: FunctionName) {
  const roleId = refId(functions[fnId(name)]!.Properties!.Role)!;
  const policies = Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties!.Roles as unknown[]).some((r) => refId(r) === roleId),
  );
  const role = resourcesOf(synth.template, 'AWS::IAM::Role')[roleId]!;
  expect(role.Properties!.ManagedPolicyArns ?? []).toEqual([]);
  return policies.flatMap(
    (p) =>
      (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] }).Statement,
  );
}

describe('validation', () => {
  it('cdk-nag AwsSolutions and the CloudFormation validation report nothing unacknowledged', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
  });
});

/** The stream's ARN in the template: `Fn::GetAtt [table, StreamArn]`. */
const isStreamArn = (r: unknown) => JSON.stringify(r).includes('"StreamArn"');

describe('queues', () => {
  /** The SQS event source mappings (the stream's is checked in 'the table stream → the bus'). */
  const mappings = () =>
    Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).filter((m) => !isStreamArn(m.Properties!.EventSourceArn));

  it('has one work queue per consumer, each with its DLQ and the maxReceiveCount of shared/routing.ts', () => {
    expect(mappings()).toHaveLength(Object.keys(QUEUES).length);
    for (const m of mappings()) {
      const queueId = refId(m.Properties!.EventSourceArn)!;
      const redrive = queues[queueId]!.Properties!.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(redrive, `work queue ${queueId} has a DLQ`).toBeDefined();
      const dlqId = refId(redrive.deadLetterTargetArn)!;
      expect(queues[dlqId], `DLQ of ${queueId} is a queue of this stack`).toBeDefined();
      expect(dlqId).not.toBe(queueId);
      expect(redrive.maxReceiveCount).toBe(5);
    }
  });

  it('tags every queue with what it is (scripts/ops.ts finds them so), each DLQ beside its work queue', () => {
    const tagOf = (id: string) =>
      ((queues[id]!.Properties!.Tags ?? []) as Array<{ Key: string; Value: string }>)
        .filter((t) => t.Key === QUEUE_TAG)
        .map((t) => t.Value);
    const byTag = new Map(
      Object.keys(queues)
        .map((id) => [tagOf(id), id] as const)
        .map(([tags, id]) => [tags.join(','), id]),
    );
    expect([...byTag.keys()].sort()).toEqual(
      [
        ...(Object.keys(QUEUES) as QueueName[]).flatMap((q) => [workQueueTag(q), deadLetterQueueTag(q)]),
        deadLetterQueueTag('bus-target'),
        deadLetterQueueTag('schedule'),
        deadLetterQueueTag('relay'),
      ].sort(),
    );
    for (const q of Object.keys(QUEUES) as QueueName[]) {
      const redrive = queues[byTag.get(workQueueTag(q))!]!.Properties!.RedrivePolicy as { deadLetterTargetArn: unknown };
      expect(refId(redrive.deadLetterTargetArn), q).toBe(byTag.get(deadLetterQueueTag(q)));
    }
  });

  it('consumes every queue with its consumer, the batch size of routing, and ReportBatchItemFailures', () => {
    for (const name of Object.keys(QUEUES) as QueueName[]) {
      const spec = QUEUES[name];
      const m = mappings().find((x) => refId(x.Properties!.FunctionName) === fnId(spec.consumer));
      expect(m, `${spec.consumer} has an SQS event source`).toBeDefined();
      expect(m!.Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(m!.Properties!.BatchSize).toBe(spec.batchSize);
      const queue = queues[refId(m!.Properties!.EventSourceArn)!]!;
      expect(queue.Properties!.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
    }
  });

  it('sets each work queue visibility timeout to at least 6 × its consumer timeout', () => {
    for (const m of mappings()) {
      const queue = queues[refId(m.Properties!.EventSourceArn)!]!;
      const fn = functions[refId(m.Properties!.FunctionName)!]!;
      expect(queue.Properties!.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (fn.Properties!.Timeout as number));
    }
  });

  it('encrypts every queue and denies access without TLS', () => {
    const policies = Object.values(resourcesOf(synth.template, 'AWS::SQS::QueuePolicy'));
    for (const [id, q] of Object.entries(queues)) {
      expect(q.Properties!.SqsManagedSseEnabled ?? q.Properties!.KmsMasterKeyId, `${id} encrypted`).toBeTruthy();
      const tls = policies.some(
        (p) =>
          (p.Properties!.Queues as unknown[]).some((r) => refId(r) === id) &&
          (p.Properties!.PolicyDocument as { Statement: { Effect: string; Condition?: unknown }[] }).Statement.some(
            (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
          ),
      );
      expect(tls, `${id} enforces TLS`).toBe(true);
    }
  });
});

describe('event bus', () => {
  it('routes each detail-type of routing to its queue, from this system only, with a target DLQ and retries', () => {
    const rules = Object.values(resourcesOf(synth.template, 'AWS::Events::Rule'));
    const busId = Object.keys(resourcesOf(synth.template, 'AWS::Events::EventBus'))[0]!;
    const expected = (Object.keys(QUEUES) as QueueName[]).flatMap((q) => QUEUES[q].detailTypes.map((dt) => ({ q, dt })));
    expect(rules).toHaveLength(expected.length);
    for (const { q, dt } of expected) {
      const rule = rules.find(
        (r) => JSON.stringify((r.Properties!.EventPattern as Record<string, unknown>)['detail-type']) === JSON.stringify([dt]),
      );
      expect(rule, `rule for ${dt}`).toBeDefined();
      expect((rule!.Properties!.EventPattern as Record<string, unknown>).source).toEqual([EVENT_SOURCE]);
      expect(refId(rule!.Properties!.EventBusName)).toBe(busId);
      const [target] = rule!.Properties!.Targets as {
        Arn: unknown;
        DeadLetterConfig?: { Arn: unknown };
        RetryPolicy?: Record<string, number>;
      }[];
      const consumerMapping = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).find(
        (m) => refId(m.Properties!.FunctionName) === fnId(QUEUES[q].consumer),
      )!;
      expect(refId(target!.Arn)).toBe(refId(consumerMapping.Properties!.EventSourceArn));
      expect(queues[refId(target!.DeadLetterConfig?.Arn)!], `${dt} target DLQ`).toBeDefined();
      expect(target!.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    }
  });

  it('archives the events of this system for replay, but not reminders (a replay must not resend 催办)', () => {
    synth.template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: [EVENT_SOURCE], 'detail-type': [{ 'anything-but': ['reminder.due'] }] },
      RetentionDays: Match.anyValue(),
    });
  });
});

describe('schedules', () => {
  it('runs each job of routing in Asia/Shanghai with input {}, a retry policy and a DLQ', () => {
    const schedules = Object.values(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(Object.keys(SCHEDULES).length);
    for (const name of Object.keys(SCHEDULES) as ScheduleName[]) {
      const s = schedules.find((x) => refId((x.Properties!.Target as { Arn: unknown }).Arn) === fnId(name));
      expect(s, `schedule for ${name}`).toBeDefined();
      expect(s!.Properties!.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
      expect(s!.Properties!.ScheduleExpression).toBe(SCHEDULES[name].expression);
      const target = s!.Properties!.Target as {
        Input: string;
        DeadLetterConfig: { Arn: unknown };
        RetryPolicy: { MaximumRetryAttempts: number };
      };
      expect(target.Input).toBe('{}');
      expect(queues[refId(target.DeadLetterConfig.Arn)!]).toBeDefined();
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    }
  });
});

describe('the table stream → the bus (transactional outbox)', () => {
  const streamMapping = () =>
    Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).filter((m) => isStreamArn(m.Properties!.EventSourceArn));

  it('the table streams new images; relay-outbox reads it from the start, retries from the first failed record, bisects, and sends what it gives up on to its DLQ', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    const mappings = streamMapping();
    expect(mappings).toHaveLength(1);
    const p = mappings[0]!.Properties!;
    expect(refId(p.FunctionName)).toBe(fnId('relay-outbox'));
    expect(p).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: STREAM_RELAY.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_RELAY.maxRetryAttempts,
      MaximumRecordAgeInSeconds: STREAM_RELAY.maxRecordAgeSeconds,
    });
    const dlq = refId((p.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination)!;
    expect(queues[dlq], 'the relay DLQ is a queue of this stack').toBeDefined();
  });

  it('invokes the relay only for inserted outbox records (the filter of shared/adapters/dynamodb/outbox.ts)', () => {
    const p = streamMapping()[0]!.Properties!;
    const filters = (p.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) => JSON.parse(f.Pattern));
    expect(filters).toEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: Object.keys(OUTBOX_KINDS) } } } }]);
    // The webhooks' messages and the office's decisions and amendments (issue 18: office-api no longer publishes).
    expect([...(filters[0] as { dynamodb: { NewImage: { kind: { S: string[] } } } }).dynamodb.NewImage.kind.S].sort()).toEqual([
      'eventMessage',
      'planAmendment',
      'report',
      'reviewDecision',
    ]);
  });

  it('only relay-outbox may read the stream, with exactly STREAM_READ, on the stream ARN only', () => {
    for (const name of FUNCTION_NAMES) {
      const reads = roleStatements(name).filter((s) => isStreamArn(s.Resource));
      if (name !== STREAM_READ.reader) {
        expect(reads, name).toEqual([]);
        continue;
      }
      expect(reads).toHaveLength(1);
      expect(actionsOf(reads[0] as never).sort()).toEqual(STREAM_READ.actions.map((a) => `dynamodb:${a}`).sort());
    }
  });
});

describe('table', () => {
  it('is on demand with PITR, TTL on expiresAt, pk/sk strings and no index', () => {
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Match.absent(),
      LocalSecondaryIndexes: Match.absent(),
    });
  });

  it('is not protected from deletion in the dev stage', () => {
    const [table] = Object.values(resourcesOf(synth.template, 'AWS::DynamoDB::Table'));
    expect(table!.Properties!.DeletionProtectionEnabled).toBe(false);
    expect(table!.DeletionPolicy).toBe('Delete');
  });
});

describe('functions', () => {
  it('deploys the handlers on arm64, the newest Node.js runtime, sized, with their own log group', () => {
    expect([...fnIdByName.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
    const logGroups = resourcesOf(synth.template, 'AWS::Logs::LogGroup');
    for (const name of FUNCTION_NAMES) {
      const p = functions[fnId(name)]!.Properties!;
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Handler).toBe('index.handler');
      expect(p.TracingConfig, `${name} X-Ray (tracing off by default)`).toBeUndefined();
      expect(p.MemorySize).toBe(FUNCTIONS[name].memoryMiB);
      expect(p.Timeout).toBe(FUNCTIONS[name].timeoutSeconds);
      const logGroup = logGroups[refId((p.LoggingConfig as { LogGroup: unknown }).LogGroup)!];
      expect(logGroup?.Properties!.RetentionInDays, `${name} log retention`).toBeGreaterThan(0);
    }
  });

  it('gives each handler the environment it reads', () => {
    const expected: Record<FunctionName, string[]> = {
      'ingest-webhook': ['TABLE_NAME', 'SOURCES_SECRET_ARN'],
      'relay-outbox': ['EVENT_BUS_NAME'],
      'apply-progress': ['TABLE_NAME'],
      'register-event': ['TABLE_NAME'],
      'aggregate-kpis': ['TABLE_NAME', 'EVENT_BUS_NAME'],
      'send-reminders': ['TABLE_NAME', 'EVENT_BUS_NAME'],
      'deliver-notification': ['TABLE_NAME', 'NOTIFICATION_TOPIC_ARN', 'ROBOT_SECRET_ARN'],
      'query-api': ['TABLE_NAME', 'CURSOR_SECRET_ARN'],
      'bulletin-api': ['TABLE_NAME'],
      // No bus since issue 18: its rows reach the bus through the table's stream.
      'office-api': ['TABLE_NAME', 'OFFICE_CLAIM'],
    };
    const read = new Set(Object.values(expected).flat());
    for (const name of FUNCTION_NAMES) {
      const vars = (functions[fnId(name)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const key of expected[name]) expect(vars[key], `${name} ${key}`).toBeDefined();
      // …and none another function reads that it does not.
      for (const key of read) if (!expected[name].includes(key)) expect(vars[key], `${name} ${key}`).toBeUndefined();
      expect(vars).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: name, POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    }
  });

  it('bundles each handler as minified ESM with a require shim and a source map', () => {
    for (const name of FUNCTION_NAMES) {
      const key = (functions[fnId(name)]!.Properties!.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      const dir = join(synth.outdir, `asset.${key}`);
      expect(existsSync(join(dir, 'index.mjs.map')), `${name} source map`).toBe(true);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toMatch(/export\s*\{/);
      expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    }
  });
});

describe('least privilege', () => {
  it('allows no wildcard action anywhere; the only Deny statements enforce TLS', () => {
    const statements = allStatements(synth.template);
    expect(statements.length).toBeGreaterThan(20);
    const wildcardAllows = statements.filter(
      ({ statement }) => statement.Effect === 'Allow' && actionsOf(statement).some((a) => a.includes('*')),
    );
    expect(wildcardAllows).toEqual([]);
    for (const { resource, statement } of statements.filter(({ statement }) => statement.Effect === 'Deny')) {
      expect(statement.Condition, `Deny in ${resource}`).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
  });

  /** A function's statements on the table itself (its stream's are checked with the stream). */
  const tableStatements = (name: FunctionName) =>
    roleStatements(name).filter((s) => actionsOf(s as never).some((a) => a.startsWith('dynamodb:')) && !isStreamArn(s.Resource));

  it('grants each function exactly its table actions, one statement per grant, on the table only', () => {
    const tableId = Object.keys(resourcesOf(synth.template, 'AWS::DynamoDB::Table'))[0]!;
    for (const name of FUNCTION_NAMES) {
      const statements = tableStatements(name);
      expect(
        statements.map((s) => actionsOf(s as never).sort()),
        name,
      ).toEqual(TABLE_ACCESS[name].map((g) => g.actions.map((a) => `dynamodb:${a}`).sort()));
      for (const s of statements) expect(refId(s.Resource)).toBe(tableId);
    }
  });

  it('limits every function to its own partitions (dynamodb:LeadingKeys)', () => {
    const conditions = (name: FunctionName) => tableStatements(name).map((s) => s.Condition);
    const amendments = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PLAN#*#AMENDMENT'] } };
    expect(conditions('ingest-webhook')).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PLAN#*#TASK#*', 'WEBHOOK#*'] } },
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
      amendments,
    ]);
    expect(conditions('deliver-notification')).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELIVERY#*'] } }]);
    expect(conditions('apply-progress')).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PLAN#*#STATE'] } }, amendments]);
    expect(conditions('register-event')).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PLAN#*#EVENT'] } }, amendments]);
    expect(conditions('relay-outbox')).toEqual([]);
    for (const name of FUNCTION_NAMES)
      expect(conditions(name), name).toEqual(
        TABLE_ACCESS[name].map((g) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...g.leadingKeys] } })),
      );
  });

  it('lets a function put on the bus only the detail-types it publishes, with the system source', () => {
    for (const name of FUNCTION_NAMES) {
      const puts = roleStatements(name).filter((x) => actionsOf(x as never).includes('events:PutEvents'));
      const types = PUBLISHES[name];
      if (!types) {
        expect(puts, name).toEqual([]);
        continue;
      }
      expect(puts, name).toHaveLength(1);
      expect(puts[0]!.Condition).toEqual({ StringEquals: { 'events:detail-type': [...types], 'events:source': [EVENT_SOURCE] } });
    }
  });

  it('grants only the non-table actions each function uses', () => {
    const expected: Record<FunctionName, string[]> = {
      'ingest-webhook': ['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue'],
      'relay-outbox': [
        'events:PutEvents',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ],
      'apply-progress': [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ],
      'register-event': [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ],
      'aggregate-kpis': ['events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      'send-reminders': ['events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      'deliver-notification': [
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:GetSecretValue',
        'sns:Publish',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ],
      'query-api': ['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue'],
      'bulletin-api': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // No events:PutEvents since issue 18: its rows are outbox records, which relay-outbox publishes.
      'office-api': ['logs:CreateLogStream', 'logs:PutLogEvents'],
    };
    for (const name of FUNCTION_NAMES) {
      const actions = roleStatements(name)
        .flatMap((s) => actionsOf(s as never))
        .filter((a) => !a.startsWith('dynamodb:'));
      expect([...new Set(actions)].sort(), name).toEqual(expected[name]);
      for (const s of roleStatements(name)) expect(JSON.stringify(s.Resource), `${name} resource`).not.toBe('"*"');
    }
  });
});

describe('HTTP API', () => {
  it('throttles the webhook route on its own, beside the stage default', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
      RouteSettings: { [routeKey(WEBHOOK_ROUTE)]: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } },
    });
  });

  const routes = () => Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Route'));
  const integrationTarget = (routeTarget: unknown): string => {
    // Target: { Fn::Join: ['', ['integrations/', { Ref: integrationId }]] }
    const parts = (routeTarget as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const integration = resourcesOf(synth.template, 'AWS::ApiGatewayV2::Integration')[refId(parts[1])!]!;
    return refId(integration.Properties!.IntegrationUri)!;
  };

  it('routes the webhook to ingest-webhook without an authorizer', () => {
    const r = routes().find((x) => x.Properties!.RouteKey === 'POST /v1/webhooks/{sourceId}');
    expect(r).toBeDefined();
    expect(r!.Properties!.AuthorizationType).toBe('NONE');
    expect(integrationTarget(r!.Properties!.Target)).toBe(fnId('ingest-webhook'));
  });

  it('configures no CORS: no browser origin may call the webhook (or any) route', () => {
    const apis = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Api'));
    expect(apis).toHaveLength(1);
    expect(apis[0]!.Properties!.CorsConfiguration).toBeUndefined();
    expect(routes().some((x) => String(x.Properties!.RouteKey).startsWith('OPTIONS '))).toBe(false);
  });

  it('has exactly the routes of the route table, each to the function it names, public only where it says why', () => {
    expect(
      routes()
        .map((r) => r.Properties!.RouteKey)
        .sort(),
    ).toEqual(API_ROUTES.map(routeKey).sort());
    for (const route of API_ROUTES) {
      const r = routes().find((x) => x.Properties!.RouteKey === routeKey(route))!;
      expect(integrationTarget(r.Properties!.Target), routeKey(route)).toBe(fnId(route.function));
      // IAM authorization when no OIDC issuer is configured.
      expect(r.Properties!.AuthorizationType, routeKey(route)).toBe(route.access.kind === 'public' ? 'NONE' : 'AWS_IAM');
    }
    expect(routes().find((x) => x.Properties!.RouteKey === 'GET /v1/plans/{planId}/bulletins/{period}')).toBeDefined();
    expect(
      integrationTarget(routes().find((x) => x.Properties!.RouteKey === 'GET /v1/plans/{planId}/bulletins/{period}')!.Properties!.Target),
    ).toBe(fnId('bulletin-api'));
    expect(integrationTarget(routes().find((x) => x.Properties!.RouteKey === 'GET /v1/openapi.json')!.Properties!.Target)).toBe(
      fnId('query-api'),
    );
  });

  it('routes the office actions (POST) to office-api behind the same authorizer; the function checks the office claim', () => {
    for (const { path } of OFFICE_ROUTES) {
      const r = routes().find((x) => x.Properties!.RouteKey === `POST ${path}`);
      expect(r, path).toBeDefined();
      expect(r!.Properties!.AuthorizationType).toBe('AWS_IAM');
      expect(integrationTarget(r!.Properties!.Target)).toBe(fnId('office-api'));
    }
    // The office role is a claim the function checks: the default, unless context officeClaim says otherwise.
    expect((functions[fnId('office-api')]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.OFFICE_CLAIM).toBe(
      'scope=supervision/office',
    );
    // No read route goes to the writer, and no write route to the reader.
    for (const r of routes()) {
      const key = String(r.Properties!.RouteKey);
      if (key.startsWith('POST /v1/plans/')) expect(integrationTarget(r.Properties!.Target), key).toBe(fnId('office-api'));
      if (key.startsWith('GET ')) expect(integrationTarget(r.Properties!.Target), key).not.toBe(fnId('office-api'));
    }
  });

  it('throttles the default stage and writes JSON access logs', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    synth.template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() }, 1);
  });
});

describe('notifications and monitoring', () => {
  it('encrypts both topics with rotating customer keys', () => {
    const keys = resourcesOf(synth.template, 'AWS::KMS::Key');
    const topics = Object.values(resourcesOf(synth.template, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(2);
    for (const t of topics) {
      const key = keys[refId(t.Properties!.KmsMasterKeyId)!];
      expect(key?.Properties!.EnableKeyRotation).toBe(true);
    }
  });

  it('alarms on every DLQ, work queue age, the relay falling behind, function errors and throttles, and API 5xx, to the alarm topic', () => {
    const alarms = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm'));
    const of = (metric: string) => alarms.filter((a) => a.Properties!.MetricName === metric);
    const dlqIds = Object.entries(queues)
      .filter(
        ([id]) =>
          !Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).some(
            (m) => refId(m.Properties!.EventSourceArn) === id,
          ),
      )
      .map(([id]) => id);
    expect(dlqIds).toHaveLength(6); // 3 work-queue DLQs, the bus-target DLQ, the schedule DLQ, the relay's DLQ
    const depth = of('ApproximateNumberOfMessagesVisible');
    for (const id of dlqIds) {
      const alarm = depth.find((a) => JSON.stringify(a.Properties!.Dimensions).includes(`"${id}"`));
      expect(alarm, `DLQ alarm for ${id}`).toBeDefined();
      expect(alarm!.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    expect(of('ApproximateAgeOfOldestMessage')).toHaveLength(Object.keys(QUEUES).length);
    expect(of('Errors')).toHaveLength(FUNCTION_NAMES.length);
    expect(of('Throttles')).toHaveLength(FUNCTION_NAMES.length);
    expect(of('5xx')).toHaveLength(1);
    const iteratorAge = of('IteratorAge');
    expect(iteratorAge).toHaveLength(1);
    expect(JSON.stringify(iteratorAge[0]!.Properties!.Dimensions)).toContain(`"${fnId('relay-outbox')}"`);
    expect(iteratorAge[0]!.Properties).toMatchObject({ Statistic: 'Maximum', Threshold: 15 * 60 * 1000 });
    const alarmTopicId = Object.entries(resourcesOf(synth.template, 'AWS::SNS::Topic')).find(([id]) =>
      id.startsWith('MonitoringAlarmTopic'),
    )![0];
    for (const a of alarms) expect((a.Properties!.AlarmActions as unknown[]).map(refId)).toEqual([alarmTopicId]);
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('business metrics (shared/observability/metrics.ts)', () => {
  const alarms = () => Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
  const dims = (a: Record<string, unknown>) =>
    Object.fromEntries((a.Dimensions as Array<{ Name: string; Value: string }>).map((d) => [d.Name, d.Value]));

  it('are emitted by functions of the stack', () => {
    for (const [name, spec] of Object.entries(BUSINESS_METRICS)) {
      for (const service of spec.emittedBy) expect(FUNCTION_NAMES, `${name} from ${service}`).toContain(service);
    }
  });

  it('alarm where an operator must act: one alarm per emitting function, on the metric, its dimensions and threshold', () => {
    const business = alarms().filter((a) => a.Namespace === METRICS_NAMESPACE);
    const expected = [
      // metric, the function's dimensions, threshold, period (s)
      ['DeadLetters', { service: 'apply-progress' }, 0, 300],
      ['DeadLetters', { service: 'register-event' }, 0, 300],
      ['DeadLetters', { service: 'deliver-notification' }, 0, 300],
      ['DeliveryFailures', { service: 'deliver-notification' }, 2, 900],
      ['WebhooksRefused', { service: 'ingest-webhook', Code: 'unauthorized' }, 4, 900],
      ['CalendarYearMissing', { service: 'send-reminders' }, 0, 300],
      ['CalendarYearMissing', { service: 'query-api' }, 0, 300],
      ['CalendarYearMissing', { service: 'bulletin-api' }, 0, 300],
      ['SourcesRefreshFailed', { service: 'ingest-webhook' }, 0, 300],
    ] as const;
    expect(
      business
        .map((a) => [a.MetricName, dims(a), a.Threshold, a.Period])
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual(expected.map((e) => [...e]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));
    for (const a of business) {
      expect(a).toMatchObject({
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      // The alarm watches a series the functions publish: its dimensions are [service, ...a declared set].
      const { service, ...rest } = dims(a);
      const spec = BUSINESS_METRICS[a.MetricName as MetricName];
      expect(spec.emittedBy as readonly string[]).toContain(service);
      expect((spec.dimensionSets as ReadonlyArray<readonly string[]>).map((set) => [...set].sort().join(','))).toContain(
        Object.keys(rest).sort().join(','),
      );
    }
  });

  it('puts every business metric on the dashboard', () => {
    const dashboards = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties!.DashboardBody);
    for (const name of METRIC_NAMES) expect(body, name).toContain(name);
  });

  it('refuses an alarm on a series nobody publishes', () => {
    expect(() => businessMetric('WebhooksRefused', 'ingest-webhook', { Source: 'rencheng' })).toThrow(WiringError);
    expect(() => businessMetric('DeadLetters', 'ingest-webhook')).toThrow(WiringError);
    expect(businessMetric('WebhooksRefused', 'ingest-webhook', { Code: 'unauthorized' }).dimensions).toEqual({
      service: 'ingest-webhook',
      Code: 'unauthorized',
    });
  });
});

describe('portability', () => {
  it('hard-codes no partition, region or account', () => {
    const text = JSON.stringify(synth.template.toJSON());
    expect(text).not.toMatch(/arn:aws(-cn|-us-gov)?:/);
    expect(text).not.toMatch(/\b(us|eu|ap|cn|sa|ca|me|af|il|mx)-(north|south|east|west|central|northeast|southeast|northwest)-\d\b/);
    expect(text).not.toMatch(/\b\d{12}\b/);
  });
});
