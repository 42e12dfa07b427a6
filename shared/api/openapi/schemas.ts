import * as z from '../../zod.js';
import { WebhookEnvelope } from '../../../events/schemas.js';
import { Plan, TaskId } from '../../plan/schema.js';
import { WebhookSource } from '../../ingest/sources.js';
import { ErrorResponse, WebhookAccepted } from '../responses.js';
import { OFFICE_ROUTES, READ_ROUTES } from '../routes.js';

/** The document's schemas and parameters, from the zod schemas (`z.toJSONSchema`, JSON Schema 2020-12). */

export type Json = Record<string, unknown>;

export const REF = (name: string) => `#/components/schemas/${name}`;

/** `z.url({ protocol })` becomes a bare `format: uri`; add the protocol as a pattern (as events/json-schema does). */
const override: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = (ctx) => {
  const def = ctx.zodSchema._zod.def as { format?: string; protocol?: RegExp };
  if (def.format === 'url' && def.protocol instanceof RegExp) {
    const protocol = def.protocol.source.replace(/^\^/, '').replace(/\$$/, '');
    ctx.jsonSchema.pattern = `^(?:${protocol}):`;
  }
};

function stripMeta(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Component schemas: responses as the service writes them (`output`), the webhook body as senders write it (`input`). */
export function componentSchemas(): Record<string, Json> {
  const output = z.registry<{ id: string }>();
  output.add(ErrorResponse, { id: 'ErrorResponse' });
  output.add(WebhookAccepted, { id: 'WebhookAccepted' });
  for (const r of READ_ROUTES) output.add(r.response, { id: r.responseName });
  for (const r of OFFICE_ROUTES) output.add(r.response, { id: r.responseName });
  const input = z.registry<{ id: string }>();
  input.add(WebhookEnvelope, { id: 'WebhookEnvelope' });
  for (const r of OFFICE_ROUTES) input.add(r.request, { id: r.requestName });
  const params = { uri: REF, unrepresentable: 'throw', override, target: 'draft-2020-12' } as const;
  const out = z.toJSONSchema(output, { ...params, io: 'output' }).schemas as Record<string, Json>;
  const inp = z.toJSONSchema(input, { ...params, io: 'input' }).schemas as Record<string, Json>;
  const all: Record<string, Json> = {};
  for (const [name, schema] of Object.entries({ ...out, ...inp })) all[name] = stripMeta(schema);
  return all;
}

/** A single field's JSON Schema (for parameters). */
function fieldSchema(schema: z.core.$ZodType): Json {
  return stripMeta(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw', target: 'draft-2020-12' }));
}

export function queryParameters(query: z.ZodMiniObject): Json[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const schema = fieldSchema(field);
    const { description, ...rest } = schema;
    return { name, in: 'query', required: false, ...(description ? { description } : {}), schema: rest };
  });
}

export const planIdParam = {
  name: 'planId',
  in: 'path',
  required: true,
  description: 'The plan, e.g. `jining-sports-2023`.',
  schema: fieldSchema(Plan.shape.planId),
};
export const taskIdParam = {
  name: 'taskId',
  in: 'path',
  required: true,
  description: 'The task, `T01`…`T27`.',
  schema: fieldSchema(TaskId),
};
export const sourceIdParam = {
  name: 'sourceId',
  in: 'path',
  required: true,
  description: 'The sending system, as registered with the bureau.',
  schema: fieldSchema(WebhookSource.shape.sourceId),
};
