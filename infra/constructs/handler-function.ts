import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/observability/metrics.js';
import { LAMBDA_BUNDLING } from '../bundling.js';
import type { StageConfig } from '../config.js';
import { entryOf, functionSpec, type EntryResolver, type FunctionDescription, type FunctionName } from '../functions.js';
import { WiringError } from '../errors.js';
import { grantPutEvents, grantTableAccess } from './grants.js';
import { acknowledgeNag } from './nag.js';

/** The repository root (this file is `infra/constructs/handler-function.ts`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const defaultEntryFor: EntryResolver = (name) => join(REPO_ROOT, entryOf(name));

/** The newest Node.js runtime aws-cdk-lib 2.276 offers. */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;

/**
 * ESM bundles still meet CommonJS dependencies that call `require`; define it for them. The aliased
 * import cannot collide with names esbuild generates.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __supervisionCreateRequire } from 'node:module'; const require = __supervisionCreateRequire(import.meta.url);";

export interface HandlerFunctionProps {
  readonly name: FunctionName;
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  /** Environment the handler reads, in addition to the common settings. */
  readonly environment?: Record<string, string>;
}

/**
 * One Lambda function of the system: bundled by the locally installed esbuild (never Docker) as
 * minified ESM with source maps, arm64, on the newest Node.js runtime, with its own log group and
 * its own role that holds nothing but the right to write to that log group (and, with tracing on,
 * to send X-Ray segments). Every other permission is granted by the construct that wires the
 * function to a resource: the table and the bus with `bindTable` and `bindBus`, which read the
 * function's rights from the registry (infra/permissions.ts), in the manner of aws-cdk's
 * `grantX(grantee)` but with exactly the named actions.
 */
export class HandlerFunction extends Construct {
  readonly name: FunctionName;
  /** What the registry says of it (infra/functions.ts): sizing, description, its rights. */
  readonly spec: FunctionDescription;
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const { name, config } = props;
    this.name = name;
    this.spec = functionSpec(name);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: config.logRetention,
      removalPolicy: config.logRemovalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${name} (${config.stage})`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entryFor(name),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: this.spec.memoryMiB,
      timeout: Duration.seconds(this.spec.timeoutSeconds),
      description: this.spec.description,
      role: this.role,
      logGroup: this.logGroup,
      ...(config.tracing ? { tracing: Tracing.ACTIVE } : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: name,
        POWERTOOLS_LOG_LEVEL: config.powertoolsLogLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        STAGE: config.stage,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: ESM_REQUIRE_BANNER,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        charset: LAMBDA_BUNDLING.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The tracer is bundled only when tracing is on (shared/adapters/aws/tracing.ts).
        define: LAMBDA_BUNDLING.define(config.tracing),
        // Bundle the AWS SDK clients too: the version is pinned by our lockfile, not the runtime's, and
        // a bundled client starts faster than the runtime's (docs/cost-model.md, cold starts). Only what
        // the SDK imports dynamically and we never reach is left out (infra/bundling.ts).
        externalModules: [...LAMBDA_BUNDLING.external],
        esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_BUNDLING.alias(REPO_ROOT)).map(([from, to]) => [`--alias:${from}`, to])),
      },
    });
    if (config.tracing) {
      // Tracing.ACTIVE gave the role xray:PutTraceSegments and xray:PutTelemetryRecords on "*".
      acknowledgeNag(
        this.role.node.findChild('DefaultPolicy'),
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions: "*" is the only resource they accept. Granted only when context tracing is true.',
      );
    }
  }

  /**
   * The function's table: `TABLE_NAME`, and exactly its statements of `TABLE_ACCESS` (actions limited
   * to its partitions), nothing more. A function the registry gives no table access cannot be bound.
   */
  bindTable(table: ITable): this {
    if (this.spec.tableAccess.length === 0)
      throw new WiringError(`${this.name} has no table access in TABLE_ACCESS (infra/permissions.ts)`);
    this.function.addEnvironment('TABLE_NAME', table.tableName);
    grantTableAccess(table, this.role, this.spec.tableAccess);
    return this;
  }

  /**
   * The bus it publishes to: `EVENT_BUS_NAME`, and `events:PutEvents` for exactly the detail-types
   * of `PUBLISHES`, with the system's source. A function that publishes nothing cannot be bound.
   */
  bindBus(bus: IEventBus): this {
    if (this.spec.publishes.length === 0) throw new WiringError(`${this.name} publishes nothing in PUBLISHES (infra/permissions.ts)`);
    this.function.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    grantPutEvents(bus, this.role, this.spec.publishes);
    return this;
  }
}
