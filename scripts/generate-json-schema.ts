/**
 * Writes the JSON Schema (draft 2020-12) of the event contracts to `events/json-schema/`, generated
 * from the zod schemas in `events/schemas.ts`. Run it after changing a contract:
 *
 *   npx tsx scripts/generate-json-schema.ts
 *
 * A test compares `jsonSchemaDocuments()` with the committed files, so a stale file fails the suite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod';
import { readCommandLine } from './lib/cli.js';
import {
  EventRegisteredData,
  EventRegisteredDetail,
  KpiSnapshotCreatedDetail,
  ProgressSubmittedData,
  ProgressSubmittedDetail,
  ReminderDueDetail,
  ReviewRecordedDetail,
  WebhookEnvelope,
} from '../events/schemas.js';
import { PlanAmendedDetail } from '../shared/plan/amendment.js';

export const JSON_SCHEMA_DIR = fileURLToPath(new URL('../events/json-schema/', import.meta.url));

interface Contract {
  name: string;
  title: string;
  schema: z.core.$ZodType;
  /**
   * `input` for what senders write (fields with defaults are optional), `output` for what the bus
   * carries after validation (defaults applied, so those fields are always present).
   */
  io: 'input' | 'output';
  /** Rules JSON Schema cannot state, kept next to the schema for readers. */
  note?: string;
}

const CONTRACTS: readonly Contract[] = [
  {
    name: 'webhook-envelope',
    title: 'Body of POST /v1/webhooks/{sourceId}',
    schema: WebhookEnvelope,
    io: 'input',
    note: 'Also enforced by the service: event.registered endDate ≥ startDate; progress.submitted metrics have unique kpiIds.',
  },
  {
    name: 'progress-submitted-data',
    title: 'progress.submitted data (as sent)',
    schema: ProgressSubmittedData,
    io: 'input',
    note: 'Also enforced by the service: metrics have unique kpiIds.',
  },
  {
    name: 'event-registered-data',
    title: 'event.registered data (as sent)',
    schema: EventRegisteredData,
    io: 'input',
    note: 'Also enforced by the service: endDate ≥ startDate.',
  },
  { name: 'progress-submitted-detail', title: 'progress.submitted bus detail', schema: ProgressSubmittedDetail, io: 'output' },
  { name: 'event-registered-detail', title: 'event.registered bus detail', schema: EventRegisteredDetail, io: 'output' },
  { name: 'kpi-snapshot-created-detail', title: 'kpi.snapshot.created bus detail', schema: KpiSnapshotCreatedDetail, io: 'output' },
  { name: 'reminder-due-detail', title: 'reminder.due bus detail', schema: ReminderDueDetail, io: 'output' },
  { name: 'plan-amended-detail', title: 'plan.amended bus detail (and the amendment as stored)', schema: PlanAmendedDetail, io: 'output' },
  {
    name: 'review-recorded-detail',
    title: "review.recorded bus detail (and the decision's audit row)",
    schema: ReviewRecordedDetail,
    io: 'output',
  },
];

/**
 * `z.url({ protocol })` becomes a bare `format: uri`; add the protocol as a pattern so the JSON
 * Schema rejects `http://` evidence the same way the zod schema does.
 */
const override: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = (ctx) => {
  const def = ctx.zodSchema._zod.def as { format?: string; protocol?: RegExp };
  if (def.format === 'url' && def.protocol instanceof RegExp) {
    const protocol = def.protocol.source.replace(/^\^/, '').replace(/\$$/, '');
    ctx.jsonSchema.pattern = `^(?:${protocol}):`;
  }
};

export interface JsonSchemaDocument {
  /** File name inside `events/json-schema/`. */
  fileName: string;
  document: Record<string, unknown>;
  /** The file's exact text: 2-space JSON and a trailing newline. */
  text: string;
}

/** Every contract's JSON Schema document, in a stable order with stable text. */
export function jsonSchemaDocuments(): JsonSchemaDocument[] {
  return CONTRACTS.map((c) => {
    const generated = z.toJSONSchema(c.schema, { target: 'draft-2020-12', io: c.io, unrepresentable: 'throw', override }) as Record<
      string,
      unknown
    >;
    const { $schema, ...rest } = generated;
    const document: Record<string, unknown> = {
      $schema,
      $id: `${c.name}.schema.json`,
      title: c.title,
      $comment: `Generated from events/schemas.ts by scripts/generate-json-schema.ts (io: ${c.io}); do not edit.${c.note ? ` ${c.note}` : ''}`,
      ...rest,
    };
    return { fileName: `${c.name}.schema.json`, document, text: `${JSON.stringify(document, null, 2)}\n` };
  });
}

/** Writes every document into `dir` and returns the paths written. */
export function writeJsonSchemas(dir: string = JSON_SCHEMA_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return jsonSchemaDocuments().map((d) => {
    const path = join(dir, d.fileName);
    writeFileSync(path, d.text);
    return path;
  });
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(invokedPath).href) {
  readCommandLine({
    command: 'npx tsx scripts/generate-json-schema.ts',
    summary: 'Writes the JSON Schema of every event contract (events/schemas.ts) to events/json-schema/. Part of `npm run generate`.',
    options: {},
    optionHelp: [],
  });
  for (const path of writeJsonSchemas()) console.log(`wrote ${path}`);
}
