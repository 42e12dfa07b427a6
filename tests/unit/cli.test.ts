import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, usageText } from '../../scripts/lib/cli.js';
import { UsageError } from '../../scripts/lib/errors.js';
import { ROOT, runProgram as run } from '../helpers/programs.js';

/** Every program a person runs: each script in scripts/ and the benchmark. */
const PROGRAMS = [
  ...readdirSync(`${ROOT}scripts`)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `scripts/${f}`),
  'bench/run.ts',
];

describe('every script answers --help and refuses an unknown flag before doing any work', () => {
  it('finds the scripts', () => {
    expect(PROGRAMS).toEqual(
      expect.arrayContaining(['scripts/generate-openapi.ts', 'scripts/generate-json-schema.ts', 'scripts/sign-webhook.ts', 'bench/run.ts']),
    );
  });

  it.each(PROGRAMS)('%s --help: the usage on stdout, exit 0', async (program) => {
    const r = await run(program, ['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage: /);
    expect(r.stdout).toContain('--help, -h');
  });

  it.each(PROGRAMS)('%s --no-such-flag: the problem and the usage on stderr, exit 2, nothing done', async (program) => {
    const r = await run(program, ['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --no-such-flag');
    expect(r.stderr).toContain('usage: ');
    // Work would show: the generators print `wrote …`, the benchmark its phases.
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\[bench /);
  });

  it('bench --region without prices is refused up front, naming the known regions', async () => {
    const r = await run('bench/run.ts', ['--region', 'mars-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--region: no prices for mars-1; known: us-east-1');
    expect(r.stderr).not.toMatch(/\[bench /);
  });
});

describe('parseCommandLine', () => {
  const cli = {
    command: 'demo',
    summary: 'A demo.',
    options: { name: { type: 'string' }, loud: { type: 'boolean', default: false } },
    optionHelp: [
      ['--name <n>', 'who'],
      ['--loud', 'shout'],
    ],
  } as const;

  it('returns the values, with defaults', () => {
    expect(parseCommandLine(cli, ['--name', 'x'])).toEqual({ help: false, values: { name: 'x', loud: false } });
  });

  it('answers help for --help or -h, even beside a mistake', () => {
    expect(parseCommandLine(cli, ['-h'])).toEqual({ help: true });
    expect(parseCommandLine(cli, ['--bogus', '--help'])).toEqual({ help: true });
  });

  it('names an unknown flag without its value, and never quotes a stray argument (it may be a secret)', () => {
    expect(() => parseCommandLine(cli, ['--nmae=whsec_c2VjcmV0'])).toThrow(new UsageError('unknown option --nmae'));
    expect(() => parseCommandLine(cli, ['-q'])).toThrow(new UsageError('unknown option -q'));
    const stray = (() => {
      try {
        parseCommandLine(cli, ['whsec_c2VjcmV0']);
      } catch (err) {
        return err as Error;
      }
    })();
    expect(stray).toBeInstanceOf(UsageError);
    expect(stray?.message).not.toContain('whsec_');
  });

  it('refuses a flag without its value and a boolean given one', () => {
    expect(() => parseCommandLine(cli, ['--name'])).toThrow(UsageError);
    expect(() => parseCommandLine(cli, ['--loud=yes'])).toThrow(UsageError);
  });

  it('prints aligned option help with --help last', () => {
    expect(usageText(cli)).toBe(
      'usage: demo [options]\n\nA demo.\n\noptions:\n  --name <n>   who\n  --loud       shout\n  --help, -h   print this help and exit\n',
    );
  });
});
