// The webhook's examples are the contract's own samples (tested there, and the tests' default report).
import progressExample from '../../../events/samples/valid/progress-t08-rencheng-clubs.json' with { type: 'json' };
import eventExample from '../../../events/samples/valid/event-marathon-2023-planned.json' with { type: 'json' };
import { errorExample, errorResponse, retryAfter } from './error-responses.js';
import { REF, sourceIdParam, type Json } from './schemas.js';

/** The path county and office systems push to (Standard Webhooks signature). */

export function webhookOperation(): Json {
  const header = (name: string, description: string, schema: Json) => ({ name, in: 'header', required: true, description, schema });
  return {
    post: {
      operationId: 'postWebhook',
      tags: ['webhook'],
      summary: 'Push a progress report or a sports event (Standard Webhooks)',
      description:
        'Signed with Standard Webhooks: HMAC-SHA256 over `webhook-id.webhook-timestamp.rawBody` with the source secret (`whsec_` + base64; the base64 part is the key). ' +
        'The timestamp must be within ±5 minutes of the service clock. 202 means the message is durably stored (it reaches the event bus from there); an exact resend (same webhook-id, same body) answers 202 again and is not stored or published twice.',
      security: [{ webhookSignature: [] }],
      parameters: [
        sourceIdParam,
        header('webhook-id', 'Unique message id; the idempotency key (reuse it, unchanged, when retrying).', {
          type: 'string',
          pattern: '^[A-Za-z0-9_.:-]{1,128}$',
        }),
        header('webhook-timestamp', 'Unix seconds when the message was signed.', { type: 'string', pattern: '^\\d{1,12}$' }),
        header('webhook-signature', 'Space-separated list of `v1,<base64 signature>` (two during secret rotation).', {
          type: 'string',
          pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$',
        }),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: REF('WebhookEnvelope') },
            examples: { progress: { value: progressExample }, event: { value: eventExample } },
          },
        },
      },
      responses: {
        202: {
          description: 'Accepted: the message is durably stored and goes on to the event bus (or this exact message was already accepted).',
          content: {
            'application/json': { schema: { $ref: REF('WebhookAccepted') }, examples: { accepted: { value: { id: 'msg_2Nq0t3' } } } },
          },
        },
        400: errorResponse('Malformed JSON, unknown `type`, or a schema violation (every violation with its path).', {
          malformed_json: errorExample('malformed_json', 'body is not valid JSON'),
          unknown_type: errorExample('unknown_type', 'type must be one of progress.submitted, event.registered', [
            { path: 'type', message: 'unknown type "progress.created"' },
          ]),
          invalid_body: errorExample('invalid_body', 'the body does not match the contract', [
            { path: 'data.metrics.0.value', message: 'Too small: expected number to be >=0' },
            { path: 'data.evidence.0.url', message: 'evidence url must be https' },
          ]),
        }),
        401: errorResponse('Signature missing or wrong, or timestamp outside the window (no hint which).', {
          unauthorized: errorExample('unauthorized', 'signature missing or invalid, or timestamp outside the accepted window'),
        }),
        403: errorResponse('The source may not report for that unit, or may not send that type.', {
          org_not_allowed: errorExample('org_not_allowed', 'source rencheng may not report for 370812'),
          type_not_allowed: errorExample('type_not_allowed', 'source rencheng may not send event.registered'),
        }),
        404: errorResponse('Unknown source.', { unknown_source: errorExample('unknown_source', 'unknown source nosuch') }),
        409: errorResponse(
          'The webhook-id was already used for a different body (for a report: a report of the same task and `reportedAt`; a webhook-id reused for another report is another message).',
          {
            webhook_id_conflict: errorExample('webhook_id_conflict', 'webhook-id msg_2Nq0t3 was already used for a different body'),
          },
        ),
        413: errorResponse('Body over 256 KiB.', { payload_too_large: errorExample('payload_too_large', 'body exceeds 262144 bytes') }),
        415: errorResponse('Content type is not application/json.', {
          unsupported_media_type: errorExample('unsupported_media_type', 'content-type must be application/json'),
        }),
        422: errorResponse(
          "Well-formed, but wrong against the plan or the time of receipt; nothing was stored. Each issue has its own `code` and path; the answer's `code` is the first issue's: `unknown_reference` (plan, task, KPI, milestone or linked task the plan does not have), `unit_not_assigned` (the unit is not a unit of the task, does not report the KPI, or links an event to another unit's task), `time_out_of_range` (`reportedAt` or `timestamp` later than receipt + 5 min, or outside the plan's year ± 1), `invalid_period` (not the task's cycle, not the plan's year, or not begun on the report's date), `evidence_required` (a completion claim, `status: \"completed\"`, without evidence: the office reviews claims against their 佐证材料).",
          {
            unknown_reference: errorExample('unknown_reference', 'the message names what the plan does not have', [
              { code: 'unknown_reference', path: 'data.metrics.0.kpiId', message: 'city-games-held is not a KPI of T08' },
            ]),
            unit_not_assigned: errorExample('unit_not_assigned', 'the unit is not assigned to what the message reports on', [
              { code: 'unit_not_assigned', path: 'data.orgId', message: 'jn-zone-gaoxin is not a lead or support unit of T17' },
            ]),
            time_out_of_range: errorExample('time_out_of_range', "a time in the message is in the future or outside the plan's years", [
              {
                code: 'time_out_of_range',
                path: 'data.reportedAt',
                message:
                  '2099-01-01T00:00:00Z is later than the time of receipt (2023-06-25T02:20:00.250Z); send the time the report was made, with its real UTC offset',
              },
            ]),
            invalid_period: errorExample('invalid_period', 'the period is not one this task reports for at the time of the report', [
              { code: 'invalid_period', path: 'data.period', message: "period 2023-12 has not begun on the report's date 2023-06-25" },
            ]),
            evidence_required: errorExample('evidence_required', 'a completion claim must carry evidence (佐证材料)', [
              {
                code: 'evidence_required',
                path: 'data.evidence',
                message:
                  'a completion claim (status completed, 申请办结) must carry at least one evidence item (佐证材料) for the office to review',
              },
            ]),
          },
        ),
        429: errorResponse(
          'Too many requests from this source; retry after `retry-after` seconds.',
          { rate_limited: errorExample('rate_limited', 'too many requests from this source') },
          retryAfter,
        ),
        500: errorResponse('Unexpected failure; retry with the same webhook-id and body.', {
          internal_error: errorExample('internal_error', 'the request could not be served'),
        }),
        503: errorResponse(
          'Not accepted: the message could not be stored (or the sources could not be read); retry with the same webhook-id and body.',
          {
            unavailable: errorExample('unavailable', 'not accepted: try again with the same webhook-id'),
          },
          retryAfter,
        ),
      },
    },
  };
}
