/**
 * For operators: a deployed stage's queues through the AWS SDK (credentials and region as for the
 * AWS CLI: AWS_PROFILE, AWS_REGION). One action per run:
 *
 *   npm run ops -- --depths
 *   npm run ops -- --stage prod --dead-letters progress
 *   npm run ops -- --stage prod --redrive progress
 *
 * Options: `npm run ops -- --help`. docs/deploy.md ("Operating") says when to use which.
 */
import { DEAD_LETTER_QUEUES, type DeadLetterQueueName, type QueueName } from '../shared/routing.js';
import { exitUsage, readCommandLine, runWhenInvoked, type CommandLineValues } from './lib/cli.js';
import { OpsUsageError } from './lib/errors.js';

export const OPS_CLI = {
  command: 'npm run ops -- <--depths | --dead-letters <queue> | --redrive <queue>>',
  summary:
    "Operates a deployed stage's queues (AWS credentials and region from the environment, as for the AWS CLI).\n" +
    'Queues: progress, events, delivery (each with its dead-letter queue), and the dead-letter queues bus-target and schedule.',
  options: {
    stage: { type: 'string', default: 'dev' },
    depths: { type: 'boolean', default: false },
    'dead-letters': { type: 'string' },
    max: { type: 'string', default: '10' },
    hide: { type: 'string', default: '30' },
    redrive: { type: 'string' },
  },
  optionHelp: [
    ['--stage <dev|prod>', 'the stack: SupervisionDev or SupervisionProd (default dev)'],
    ['--depths', 'messages per queue: waiting, in flight, delayed'],
    ['--dead-letters <queue>', `the dead letters of ${DEAD_LETTER_QUEUES.join(', ')}, each with why it failed`],
    ['--max <n>', 'at most n dead letters (1–100, default 10)'],
    ['--hide <seconds>', 'listing hides each dead letter from other readers this long (0–43200, default 30)'],
    ['--redrive <queue>', 'moves the dead letters of progress, events or delivery back to their queue (StartMessageMoveTask)'],
  ],
} as const;

export type OpsAction =
  | { kind: 'depths' }
  | { kind: 'dead-letters'; queue: DeadLetterQueueName; max: number; hideSeconds: number }
  | { kind: 'redrive'; queue: QueueName };

const REDRIVABLE_QUEUES: readonly string[] = ['progress', 'events', 'delivery'] satisfies QueueName[];

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max)
    throw new OpsUsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

/** What parseArgs cannot check: one action, known queue names, numbers in range. */
export function opsAction(values: CommandLineValues<typeof OPS_CLI.options>): OpsAction {
  const chosen = [
    values.depths ? '--depths' : '',
    values['dead-letters'] !== undefined ? '--dead-letters' : '',
    values.redrive !== undefined ? '--redrive' : '',
  ].filter(Boolean);
  if (chosen.length !== 1)
    throw new OpsUsageError(
      chosen.length === 0
        ? 'say what to do: --depths, --dead-letters <queue> or --redrive <queue>'
        : `one action at a time, not ${chosen.join(' and ')}`,
    );
  if (values.depths) return { kind: 'depths' };
  if (values['dead-letters'] !== undefined) {
    const queue = values['dead-letters'];
    if (!(DEAD_LETTER_QUEUES as readonly string[]).includes(queue))
      throw new OpsUsageError(`--dead-letters: no queue "${queue}"; known: ${DEAD_LETTER_QUEUES.join(', ')}`);
    return {
      kind: 'dead-letters',
      queue: queue as DeadLetterQueueName,
      max: wholeNumber('--max', values.max, 1, 100),
      hideSeconds: wholeNumber('--hide', values.hide, 0, 43_200),
    };
  }
  const queue = values.redrive ?? '';
  if (!REDRIVABLE_QUEUES.includes(queue)) {
    throw new OpsUsageError(
      `--redrive: ${queue === 'bus-target' || queue === 'schedule' ? `the ${queue} dead letters have no queue of origin to go back to (docs/deploy.md says what to do with them)` : `no queue "${queue}"`}; redrivable: ${REDRIVABLE_QUEUES.join(', ')}`,
    );
  }
  return { kind: 'redrive', queue: queue as QueueName };
}

function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const values = readCommandLine(OPS_CLI, argv);
  let action: OpsAction;
  try {
    action = opsAction(values);
  } catch (err) {
    if (err instanceof OpsUsageError) exitUsage(OPS_CLI, err.message);
    throw err;
  }
  // The SDK's notice that its 2027 releases need Node 22: the versions are pinned in the lockfile.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded after the command line is read: --help and a mistake answer at once.
  const [{ parseStage }, { UnknownStageError }, { stackName }, ops, { SQSClient }] = await Promise.all([
    import('../infra/config.js'),
    import('../infra/errors.js'),
    import('../infra/create-app.js'),
    import('./lib/ops.js'),
    import('@aws-sdk/client-sqs'),
  ]);
  let stack: string;
  try {
    stack = stackName(parseStage(values.stage));
  } catch (err) {
    if (err instanceof UnknownStageError) exitUsage(OPS_CLI, `--stage: ${err.message}`);
    throw err;
  }

  const sqs = new SQSClient({});
  const queues = await ops.stackQueues(sqs, stack);
  if (action.kind === 'depths') {
    const depths = await ops.queueDepths(sqs, queues);
    console.log(`# ${stack}: messages per queue`);
    console.log(
      table(
        ['queue', 'waiting', 'in flight', 'delayed'],
        depths.map((d) => [d.tag, d.visible, d.inFlight, d.delayed]),
      ),
    );
    return 0;
  }
  if (action.kind === 'dead-letters') {
    const letters = await ops.listDeadLetters(sqs, queues, action.queue, { max: action.max, hideSeconds: action.hideSeconds });
    console.log(
      `# ${stack} ${action.queue}-dlq: ${letters.length} dead letter(s) shown${letters.length === action.max ? ` (--max ${action.max}; there may be more)` : ''}; hidden from other readers for ${action.hideSeconds} s`,
    );
    for (const l of letters) {
      console.log(`\n${l.messageId}${l.sentAt ? `  sent ${l.sentAt}` : ''}  [${l.verdict}]`);
      const keys = Object.entries(l.keys)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      if (keys) console.log(`  ${keys}`);
      console.log(`  ${l.reason}`);
    }
    if (letters.some((l) => l.verdict === 'valid now') && REDRIVABLE_QUEUES.includes(action.queue)) {
      console.log(`\nOnce the cause is fixed: npm run ops -- --stage ${values.stage} --redrive ${action.queue}`);
    }
    return 0;
  }
  const { sourceArn, taskHandle } = await ops.redrive(sqs, queues, action.queue);
  console.log(`# ${stack}: moving the dead letters of ${action.queue} back to their queue`);
  console.log(`source ${sourceArn}`);
  console.log(`task   ${taskHandle}`);
  console.log(`Watch it empty: npm run ops -- --stage ${values.stage} --depths`);
  return 0;
}

runWhenInvoked(import.meta.url, 'ops', main);
