/**
 * The command line of every script (scripts/*.ts, bench/run.ts), on `node:util` parseArgs in strict
 * mode. `--help` (`-h`) prints the usage and exits 0; an unknown flag, a flag without its value or a
 * stray argument prints the problem and the usage and exits 2. Scripts call `readCommandLine` first,
 * so neither does any work.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeError, errorMessage } from '../../shared/errors.js';
import { UsageError } from './errors.js';

/** The exit code of a command-line mistake (as most Unix tools use it). */
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig['options']>;
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } };

export interface CommandLine<O extends Options> {
  /** The program as the user types it, e.g. `npm run bench --`. */
  command: string;
  /** What it does, one or two lines. */
  summary: string;
  options: O;
  /** `[flag, what it does]` per option, in the order to show them (`--help` is added). */
  optionHelp: ReadonlyArray<readonly [string, string]>;
}

export type CommandLineValues<O extends Options> = ReturnType<
  typeof parseArgs<{ options: WithHelp<O>; strict: true; allowPositionals: false }>
>['values'];

export function usageText(cli: CommandLine<Options>): string {
  const lines = [`usage: ${cli.command}${cli.optionHelp.length > 0 ? ' [options]' : ''}`, '', cli.summary];
  const all = [...cli.optionHelp, ['--help, -h', 'print this help and exit'] as const];
  const width = Math.max(...all.map(([flag]) => flag.length)) + 3;
  lines.push('', 'options:', ...all.map(([flag, what]) => `  ${flag.padEnd(width)}${what}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Parses `argv` strictly. Returns `{ help: true }` when `--help` was given (whatever else was), and
 * throws `UsageError` on anything parseArgs refuses. Messages never quote an argument's value: a
 * mistyped command line may carry a secret (`npm run sign -- whsec_…`).
 */
export function parseCommandLine<const O extends Options>(
  cli: CommandLine<O>,
  argv: readonly string[],
): { help: true } | { help: false; values: CommandLineValues<O> } {
  // --help wins over any mistake next to it, as in most tools: the user asked how to call it.
  if (argv.some((a) => a === '--help' || a === '-h')) return { help: true };
  const options = { ...cli.options, help: { type: 'boolean', short: 'h' } } as WithHelp<O>;
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return { help: false, values };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const unknown = argv.find((a) => a.startsWith('-') && !isKnown(a, options));
      throw new UsageError(`unknown option ${unknown?.split('=')[0] ?? ''}`.trim());
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError('unexpected argument: this command takes options only');
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(errorMessage(err).replace(/^Option /, 'option '));
    throw new UsageError('invalid arguments');
  }
}

function isKnown(arg: string, options: Options): boolean {
  if (arg.startsWith('--')) return Object.hasOwn(options, arg.slice(2).split('=')[0]!);
  const short = arg.slice(1, 2);
  return Object.values(options).some((o) => o.short === short);
}

/**
 * `parseCommandLine` for a script's entry: prints the usage and exits 0 on `--help`; prints the
 * problem and the usage on stderr and exits 2 on a mistake. Returns the values otherwise.
 */
export function readCommandLine<const O extends Options>(
  cli: CommandLine<O>,
  argv: readonly string[] = process.argv.slice(2),
): CommandLineValues<O> {
  let parsed: ReturnType<typeof parseCommandLine<O>>;
  try {
    parsed = parseCommandLine(cli, argv);
  } catch (err) {
    if (err instanceof UsageError) exitUsage(cli, err.message);
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(usageText(cli));
    process.exit(0);
  }
  return parsed.values;
}

/** Prints `message` and the usage on stderr and exits 2: for a value the script itself rejects. */
export function exitUsage(cli: CommandLine<Options>, message: string): never {
  process.stderr.write(`${message}\n\n${usageText(cli)}`);
  process.exit(EXIT_USAGE);
}

/**
 * Runs `main` when the module is the program (`tsx scripts/x.ts`), not when a test imports it: its
 * result is the exit code; a usage error that escapes prints `name: message` and exits 2, anything
 * else `name: Error: message` and exits 1.
 */
export function runWhenInvoked(moduleUrl: string, name: string, main: (argv: string[]) => Promise<number>): void {
  const program = process.argv[1];
  if (program === undefined || moduleUrl !== pathToFileURL(resolve(program)).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const usage = err instanceof UsageError;
      console.error(`${name}: ${usage ? err.message : describeError(err)}`);
      process.exitCode = usage ? EXIT_USAGE : 1;
    },
  );
}
