import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  EventRegisteredData,
  PLAN_REMINDER_KINDS,
  ProgressSubmittedData,
  TASK_REMINDER_KINDS,
  WebhookEnvelope,
} from '../../events/schemas.js';
import { JSON_SCHEMA_DIR, jsonSchemaDocuments } from '../../scripts/generate-json-schema.js';
import { findTask, getPlan } from '../../shared/plan/catalog.js';
import { findOrg } from '../../shared/org/directory.js';

const SAMPLES = new URL('../../events/samples/', import.meta.url);

function jsonFiles(dir: string): string[] {
  return readdirSync(new URL(dir, SAMPLES))
    .filter((f) => f.endsWith('.json') && f !== 'expected.json')
    .sort();
}

function load(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(new URL(`${dir}/${file}`, SAMPLES), 'utf8'));
}

const ExpectedIssues = z.record(
  z.string(),
  z.strictObject({
    reason: z.string().min(1),
    issues: z.array(z.strictObject({ path: z.array(z.union([z.string(), z.number()])), code: z.string() })).min(1),
  }),
);

const validFiles = jsonFiles('valid');
const invalidFiles = jsonFiles('invalid');
const expected = ExpectedIssues.parse(load('invalid', 'expected.json'));

/** Issues as comparable `{ path, code }` rows in a stable order. */
function issueRows(issues: readonly z.core.$ZodIssue[]) {
  return issues
    .map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), code: i.code }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('valid samples', () => {
  it('there are samples of both types, held and cancelled events included', () => {
    expect(validFiles.length).toBeGreaterThanOrEqual(6);
    const parsed = validFiles.map((f) => WebhookEnvelope.parse(load('valid', f)));
    expect(new Set(parsed.map((p) => p.type))).toEqual(new Set(['progress.submitted', 'event.registered']));
    const statuses = parsed.flatMap((p) => (p.type === 'event.registered' ? [p.data.status] : []));
    expect(statuses).toContain('held');
    expect(statuses).toContain('cancelled');
  });

  it.each(validFiles)('%s parses with WebhookEnvelope', (file) => {
    const result = WebhookEnvelope.safeParse(load('valid', file));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each(validFiles)('%s names a plan, task, unit, KPIs and milestones that exist', (file) => {
    const env = WebhookEnvelope.parse(load('valid', file));
    const plan = getPlan(env.data.planId);
    expect(plan, env.data.planId).toBeDefined();
    expect(findOrg(env.data.orgId), env.data.orgId).toBeDefined();
    if (env.type === 'progress.submitted') {
      const task = findTask(plan!, env.data.taskId);
      expect(task, env.data.taskId).toBeDefined();
      const kpiIds = task!.kpis.map((k) => k.kpiId);
      for (const m of env.data.metrics) expect(kpiIds, m.kpiId).toContain(m.kpiId);
      const milestoneIds = task!.milestones.map((m) => m.milestoneId);
      for (const id of env.data.completedMilestoneIds ?? []) expect(milestoneIds, id).toContain(id);
    } else {
      for (const taskId of env.data.taskIds) expect(findTask(plan!, taskId), taskId).toBeDefined();
    }
  });

  it('the 任城区 report on T08 carries both T08 KPIs', () => {
    const env = WebhookEnvelope.parse(load('valid', 'progress-t08-rencheng.json'));
    expect(env.type).toBe('progress.submitted');
    if (env.type !== 'progress.submitted') return;
    expect(env.data).toMatchObject({ orgId: '370811', taskId: 'T08' });
    expect(env.data.metrics.map((m) => m.kpiId).sort()).toEqual(['sports-associations', 'sports-clubs']);
  });

  it('the lottery centre reports T22 sales in 万元 and outlets', () => {
    const env = WebhookEnvelope.parse(load('valid', 'progress-t22-lottery-center.json'));
    if (env.type !== 'progress.submitted') throw new Error('expected a progress report');
    expect(env.data).toMatchObject({ orgId: 'jn-lottery-center', taskId: 'T22' });
    expect(env.data.metrics.map((m) => m.kpiId).sort()).toEqual(['lottery-outlets', 'lottery-sales']);
  });

  it('the 2023 济宁国际马拉松 is a held marathon linked to T13', () => {
    const env = WebhookEnvelope.parse(load('valid', 'event-marathon-2023-held.json'));
    if (env.type !== 'event.registered') throw new Error('expected an event');
    expect(env.data).toMatchObject({ name: '2023济宁国际马拉松', category: 'marathon', status: 'held', taskIds: ['T13'] });
  });

  it('fills the defaults of a minimal report', () => {
    const env = WebhookEnvelope.parse(load('valid', 'progress-minimal-quarterly.json'));
    if (env.type !== 'progress.submitted') throw new Error('expected a progress report');
    expect(env.data).toMatchObject({ metrics: [], summary: '', evidence: [] });
    expect(env.data.percentComplete).toBeUndefined();
  });

  it('each data shape parses on its own too', () => {
    for (const file of validFiles) {
      const raw = load('valid', file) as { type: string; data: unknown };
      const schema = raw.type === 'progress.submitted' ? ProgressSubmittedData : EventRegisteredData;
      expect(schema.safeParse(raw.data).success, file).toBe(true);
    }
  });
});

describe('invalid samples', () => {
  it('every invalid sample has an entry in expected.json and every entry has a file', () => {
    expect(invalidFiles.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(expected).sort()).toEqual(invalidFiles);
  });

  it.each(invalidFiles)('%s fails with exactly the expected issue paths', (file) => {
    const result = WebhookEnvelope.safeParse(load('invalid', file));
    expect(result.success).toBe(false);
    const want = [...expected[file]!.issues].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(issueRows(result.error!.issues)).toEqual(want);
  });

  it('the samples are single faults: restoring percentComplete makes that sample parse', () => {
    const base = load('valid', 'progress-t08-rencheng.json') as { data: Record<string, unknown> };
    const bad = load('invalid', 'progress-percent-101.json') as { data: Record<string, unknown> };
    expect(WebhookEnvelope.safeParse({ ...bad, data: { ...bad.data, percentComplete: base.data.percentComplete } }).success).toBe(true);
  });
});

describe('JSON Schema', () => {
  const docs = jsonSchemaDocuments();

  it('covers the envelope, both data shapes and the bus details', () => {
    expect(docs.map((d) => d.fileName)).toEqual([
      'webhook-envelope.schema.json',
      'progress-submitted-data.schema.json',
      'event-registered-data.schema.json',
      'progress-submitted-detail.schema.json',
      'event-registered-detail.schema.json',
      'kpi-snapshot-created-detail.schema.json',
      'reminder-due-detail.schema.json',
      'plan-amended-detail.schema.json',
      'review-recorded-detail.schema.json',
    ]);
    for (const d of docs) expect(d.document.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it.each(jsonSchemaDocuments().map((d) => d.fileName))(
    'committed %s is up to date (run: npx tsx scripts/generate-json-schema.ts)',
    (fileName) => {
      const doc = docs.find((d) => d.fileName === fileName)!;
      const committed = readFileSync(join(JSON_SCHEMA_DIR, fileName), 'utf8');
      expect(committed).toBe(doc.text);
    },
  );

  // zod writes its own names for some checks (`startsWith` became `format: "starts_with"`), which a
  // validator in strict mode (Ajv) refuses to compile: every format must be one JSON Schema defines.
  it('uses only the formats JSON Schema 2020-12 defines, so that strict validators compile it', () => {
    const STANDARD = new Set([
      'date-time',
      'date',
      'time',
      'duration',
      'email',
      'idn-email',
      'hostname',
      'idn-hostname',
      'ipv4',
      'ipv6',
      'uri',
      'uri-reference',
      'iri',
      'iri-reference',
      'uuid',
      'uri-template',
      'json-pointer',
      'relative-json-pointer',
      'regex',
    ]);
    const formats = (node: unknown): string[] =>
      Array.isArray(node)
        ? node.flatMap(formats)
        : node && typeof node === 'object'
          ? Object.entries(node).flatMap(([k, v]) => (k === 'format' && typeof v === 'string' ? [v] : formats(v)))
          : [];
    for (const d of docs)
      expect(
        formats(JSON.parse(d.text)).filter((f) => !STANDARD.has(f)),
        d.fileName,
      ).toEqual([]);
  });

  it('requires a task item’s taskId and dueDate, and a plan item’s period, in the reminder contract', () => {
    const doc = JSON.parse(docs.find((d) => d.fileName === 'reminder-due-detail.schema.json')!.text);
    const branches = doc.properties.items.items.oneOf as Array<{ properties: { kind: { enum: string[] } }; required: string[] }>;
    expect(branches.map((b) => [b.properties.kind.enum, b.required.filter((r) => ['taskId', 'dueDate', 'period'].includes(r))])).toEqual([
      [[...TASK_REMINDER_KINDS], ['taskId', 'dueDate']],
      [[...PLAN_REMINDER_KINDS], ['period']],
    ]);
  });

  it('no stray files sit in events/json-schema', () => {
    expect(readdirSync(JSON_SCHEMA_DIR).sort()).toEqual(docs.map((d) => d.fileName).sort());
  });

  it('is stable: 2-space JSON with a trailing newline, same text on every call', () => {
    const again = jsonSchemaDocuments();
    for (const [i, d] of docs.entries()) {
      expect(d.text).toBe(`${JSON.stringify(JSON.parse(d.text), null, 2)}\n`);
      expect(d.text).toBe(again[i]!.text);
    }
  });

  it('the webhook schemas describe the input side: defaulted fields are optional for senders', () => {
    const data = docs.find((d) => d.fileName === 'progress-submitted-data.schema.json')!.document as {
      required: string[];
      additionalProperties: unknown;
    };
    expect(data.required).not.toContain('metrics');
    expect(data.required).not.toContain('summary');
    expect(data.required).not.toContain('evidence');
    expect(data.required).toEqual(expect.arrayContaining(['planId', 'taskId', 'orgId', 'reportedAt', 'period', 'status']));
    expect(data.additionalProperties).toBe(false);
    const detail = docs.find((d) => d.fileName === 'progress-submitted-detail.schema.json')!.document as { required: string[] };
    expect(detail.required).toEqual(expect.arrayContaining(['metrics', 'summary', 'evidence', 'sourceId', 'webhookId', 'receivedAt']));
  });

  it('keeps the https-only rule for evidence links', () => {
    const text = docs.find((d) => d.fileName === 'webhook-envelope.schema.json')!.text;
    const pattern = /"pattern": "(\^\(\?:https\):)"/.exec(text);
    expect(pattern).not.toBeNull();
    const re = new RegExp(pattern![1]!);
    expect(re.test('https://example.gov.cn/a.pdf')).toBe(true);
    expect(re.test('http://example.gov.cn/a.pdf')).toBe(false);
  });

  it('the webhook envelope schema offers exactly the two webhook types', () => {
    const env = docs.find((d) => d.fileName === 'webhook-envelope.schema.json')!.document as {
      oneOf: Array<{ properties: { type: { const: string } } }>;
    };
    expect(env.oneOf.map((o) => o.properties.type.const)).toEqual(['progress.submitted', 'event.registered']);
  });
});
