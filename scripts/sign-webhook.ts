/**
 * For integrators: sign a JSON file as a source (Standard Webhooks) and print the curl command that
 * sends it, or send it.
 *
 *   npm run sign -- --source rencheng --file events/samples/valid/progress-t08-rencheng.json
 *   npm run sign -- --source rencheng --file report.json --send
 *
 * Options: `npm run sign -- --help`.
 *
 * The file's exact bytes are signed and sent (`--data-binary`): re-serialising the JSON would break
 * the signature. The secret is never printed.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { signWebhook, WebhookSecretError, type SignedHeaders } from '../clients/ts/signing.js';
import { SourcesFile } from '../shared/ingest/sources.js';
import { exitUsage, readCommandLine, runWhenInvoked, type CommandLineValues } from './lib/cli.js';
import { SignUsageError } from './lib/errors.js';

export interface SignOptions {
  sourceId: string;
  file: string;
  secret?: string;
  sourcesFile: string;
  url: string;
  id: string;
  timestampSeconds?: number;
  send: boolean;
}

export interface SignedRequest {
  url: string;
  headers: { 'content-type': string } & SignedHeaders;
  body: Buffer;
}

const WEBHOOK_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export const SIGN_CLI = {
  command: 'npm run sign -- --source <sourceId> --file <body.json>',
  summary:
    'Signs a JSON file as a webhook source (Standard Webhooks) and prints the curl command that sends it, or sends it (--send).\n' +
    "The file's exact bytes are signed; the secret is never printed.",
  options: {
    source: { type: 'string' },
    file: { type: 'string' },
    secret: { type: 'string' },
    sources: { type: 'string', default: 'config/sources.local.json' },
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    id: { type: 'string' },
    timestamp: { type: 'string' },
    send: { type: 'boolean', default: false },
  },
  optionHelp: [
    ['--source <sourceId>', 'the sending system (required)'],
    ['--file <path>', 'the JSON body to sign (required)'],
    ['--secret <whsec_…>', "the signing secret (default: the source's first secret in --sources)"],
    ['--sources <path>', 'sources file (default config/sources.local.json)'],
    ['--url <base>', 'the API (default http://127.0.0.1:3000)'],
    ['--id <webhook-id>', 'the idempotency key (default msg_<random>)'],
    ['--timestamp <unix s>', 'signing time (default now)'],
    ['--send', 'send it and print the answer instead of the curl command'],
  ],
} as const;

/** Checks what parseArgs cannot: required options and their formats. */
export function signOptions(values: CommandLineValues<typeof SIGN_CLI.options>): SignOptions {
  if (!values.source) throw new SignUsageError('--source is required');
  if (!values.file) throw new SignUsageError('--file is required');
  const id = values.id ?? `msg_${randomBytes(12).toString('hex')}`;
  if (!WEBHOOK_ID.test(id)) throw new SignUsageError('--id must be 1–128 characters of A–Z a–z 0–9 _ . : -');
  let timestampSeconds: number | undefined;
  if (values.timestamp !== undefined) {
    if (!/^\d{1,12}$/.test(values.timestamp)) throw new SignUsageError('--timestamp must be unix seconds');
    timestampSeconds = Number(values.timestamp);
  }
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new SignUsageError(`--url is not a URL: ${values.url}`);
  }
  return {
    sourceId: values.source,
    file: values.file,
    ...(values.secret === undefined ? {} : { secret: values.secret }),
    sourcesFile: values.sources,
    url: url.href.replace(/\/+$/, ''),
    id,
    ...(timestampSeconds === undefined ? {} : { timestampSeconds }),
    send: values.send,
  };
}

/** The source's first (current) secret from a sources file. Errors never quote the file's content. */
export async function secretFromSourcesFile(path: string, sourceId: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SignUsageError(
      `cannot read the sources file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass --sources <file> or --secret whsec_…`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SignUsageError(`the sources file ${path} is not valid JSON`);
  }
  const parsed = SourcesFile.safeParse(json);
  if (!parsed.success) {
    throw new SignUsageError(
      `the sources file ${path} is invalid at ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`,
    );
  }
  const found = parsed.data.sources.find((s) => s.sourceId === sourceId);
  if (!found) {
    throw new SignUsageError(
      `source "${sourceId}" is not in ${path} (known: ${parsed.data.sources.map((s) => s.sourceId).join(', ') || 'none'})`,
    );
  }
  return found.secrets[0]!;
}

/** Signs `body` (exact bytes, UTF-8) as `sourceId` and returns what to send where. */
export function buildSignedRequest(input: {
  sourceId: string;
  body: Buffer;
  secret: string;
  id: string;
  url: string;
  timestampSeconds?: number;
}): SignedRequest {
  const text = input.body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(input.body)) throw new SignUsageError('the file is not valid UTF-8: send JSON encoded as UTF-8');
  let signed: SignedHeaders;
  try {
    signed = signWebhook({
      secret: input.secret,
      id: input.id,
      body: text,
      ...(input.timestampSeconds === undefined ? {} : { timestampSeconds: input.timestampSeconds }),
    });
  } catch (err) {
    if (err instanceof WebhookSecretError) throw new SignUsageError(err.message);
    throw err;
  }
  return {
    url: `${input.url.replace(/\/+$/, '')}/v1/webhooks/${encodeURIComponent(input.sourceId)}`,
    headers: { 'content-type': 'application/json', ...signed },
    body: input.body,
  };
}

/** A POSIX-shell single-quoted word. */
function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function curlCommand(request: SignedRequest, file: string): string {
  const lines = [`curl -sS -i -X POST ${shellQuote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  lines.push(`  --data-binary ${shellQuote(`@${file}`)}`);
  return lines.join(' \\\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const values = readCommandLine(SIGN_CLI, argv);
  let options: SignOptions;
  try {
    options = signOptions(values);
  } catch (err) {
    if (err instanceof SignUsageError) exitUsage(SIGN_CLI, `sign: ${err.message}`);
    throw err;
  }
  let body: Buffer;
  try {
    body = await readFile(options.file);
  } catch (err) {
    throw new SignUsageError(`cannot read --file ${options.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const secret = options.secret ?? (await secretFromSourcesFile(resolve(options.sourcesFile), options.sourceId));
  const request = buildSignedRequest({
    sourceId: options.sourceId,
    body,
    secret,
    id: options.id,
    url: options.url,
    ...(options.timestampSeconds === undefined ? {} : { timestampSeconds: options.timestampSeconds }),
  });
  if (!options.send) {
    console.log(`# ${options.file} signed as source ${options.sourceId}; the signature is valid for 5 minutes from webhook-timestamp.`);
    console.log(curlCommand(request, options.file));
    return 0;
  }
  let res: Response;
  try {
    res = await fetch(request.url, { method: 'POST', headers: request.headers, body: new Uint8Array(request.body) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new SignUsageError(`could not reach ${request.url}${cause ? ` (${cause})` : ''}: is the local runtime running (npm start)?`);
  }
  const text = await res.text();
  console.log(`HTTP ${res.status} ${res.statusText}`);
  if (res.headers.get('retry-after')) console.log(`retry-after: ${res.headers.get('retry-after')}`);
  console.log(text);
  return res.ok ? 0 : 1;
}

runWhenInvoked(import.meta.url, 'sign', main);
