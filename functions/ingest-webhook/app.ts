import { hash } from 'node:crypto';
import * as z from '../../shared/zod.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../../shared/ports/logger.js';
import { WEBHOOK_TYPES, WebhookEnvelope, type Receipt } from '../../events/schemas.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { AcceptedMessage, MessageIntake } from '../../shared/ports/intake.js';
import type { SourceRegistry } from '../../shared/ports/sources.js';
import type { WebhookSource } from '../../shared/ingest/sources.js';
import { checkMessageAsAmended, issueStatus } from '../../shared/ingest/message-checks.js';
import { verifySignature } from '../../shared/ingest/standard-webhooks.js';
import { correlationKeys } from '../../shared/observability/correlation.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import { unlimited, type RateLimiter } from '../../shared/ingest/rate-limiter.js';
import { errorResponse, jsonResponse, zodIssues } from '../../shared/http/json-response.js';
import { describeError, errorName } from '../../shared/errors.js';
import { WEBHOOK_ROUTE, matchTemplate } from '../../shared/api/route-paths.js';

/** Bodies larger than this are refused before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024;
const WEBHOOK_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

export interface IngestDeps {
  sources: SourceRegistry;
  /** The durable accept: the message's outbox record, which the table's stream carries to the bus. */
  intake: MessageIntake;
  /** Stamps `receivedAt`. (Signature timestamps are checked against the real clock, ±5 minutes, as Standard Webhooks says.) */
  clock: Clock;
  logger: Logger;
  rateLimiter?: RateLimiter;
  /** The plan as amended, for the unit checks (default: the baseline only). */
  amender?: PlanAmender;
}

const ISSUE_MESSAGES: Record<string, string> = {
  unknown_reference: 'the message names what the plan does not have',
  unit_not_assigned: 'the unit is not assigned to what the message reports on',
  time_out_of_range: "a time in the message is in the future or outside the plan's years",
  invalid_period: 'the period is not one this task reports for at the time of the report',
  evidence_required: 'a completion claim must carry evidence (佐证材料)',
  invalid_body: 'a value is not one the KPI can take',
};

/**
 * The contract, compiled once per container (zod's generated fast path; a body it refuses goes to the
 * runtime parser, so the 400 issues are the same): parsing the envelope is a third of what it was.
 */
const Envelope = z.compile(WebhookEnvelope);

const unauthorized = () => errorResponse(401, 'unauthorized', 'signature missing or invalid, or timestamp outside the accepted window');

/**
 * `POST /v1/webhooks/{sourceId}`: verify (Standard Webhooks), validate, authorise, check plan
 * references, and store the message once (its outbox record: for a report, its audit row); answer
 * 202 once that write is durable. The table's stream puts it on the bus (functions/relay-outbox).
 */
export function createIngestWebhookHandler(deps: IngestDeps) {
  const limiter = deps.rateLimiter ?? unlimited;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const sourceId = event.pathParameters?.sourceId ?? matchTemplate(WEBHOOK_ROUTE.path, event.rawPath)?.sourceId;
    if (!sourceId) return errorResponse(404, 'not_found', 'no such route');
    if (event.requestContext.http.method !== 'POST')
      return errorResponse(405, 'method_not_allowed', 'use POST', undefined, { allow: 'POST' });

    const headers = event.headers ?? {};
    const contentType = headers['content-type'] ?? '';
    if (contentType !== 'application/json' && contentType.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      return errorResponse(415, 'unsupported_media_type', 'content-type must be application/json');
    }

    const rawBody = event.body ?? '';
    // A UTF-16 code unit is at most 3 UTF-8 bytes: only a body that might be too large is measured.
    if (rawBody.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(rawBody, event.isBase64Encoded ? 'base64' : 'utf8') > MAX_BODY_BYTES) {
      return errorResponse(413, 'payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    const body = event.isBase64Encoded ? Buffer.from(rawBody, 'base64').toString('utf8') : rawBody;

    let source: WebhookSource | undefined;
    try {
      source = await deps.sources.get(sourceId);
    } catch (err) {
      // The registry's own messages never carry secret material (see SecretsSourceRegistry).
      deps.logger.error('source registry unavailable', { sourceId, error: describeError(err) });
      return errorResponse(503, 'unavailable', 'not accepted: try again', undefined, { 'retry-after': '1' });
    }
    if (!source) return errorResponse(404, 'unknown_source', `unknown source ${sourceId}`);

    const webhookId = headers['webhook-id'] ?? '';
    const timestamp = headers['webhook-timestamp'] ?? '';
    const signature = headers['webhook-signature'] ?? '';
    if (!WEBHOOK_ID.test(webhookId) || !UNIX_SECONDS.test(timestamp) || signature === '') return unauthorized();
    if (!verifySignature({ id: webhookId, timestamp, signature, body }, source.secrets, Date.now())) {
      deps.logger.warn('webhook signature rejected', { sourceId, webhookId });
      return unauthorized();
    }
    // Limited after authentication, so that nobody but the source itself can spend its budget.
    const taken = limiter.take(sourceId);
    const limit = taken instanceof Promise ? await taken : taken;
    if (!limit.ok) {
      return errorResponse(429, 'rate_limited', 'too many requests from this source', undefined, {
        'retry-after': String(limit.retryAfterSeconds),
      });
    }

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return errorResponse(400, 'malformed_json', 'body is not valid JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return errorResponse(400, 'invalid_body', 'body must be a JSON object');
    const type = (json as { type?: unknown }).type;
    if (!(WEBHOOK_TYPES as readonly unknown[]).includes(type)) {
      return errorResponse(400, 'unknown_type', `type must be one of ${WEBHOOK_TYPES.join(', ')}`, [
        { path: 'type', message: `unknown type ${JSON.stringify(type)}` },
      ]);
    }
    const parsed = Envelope.safeParse(json);
    if (!parsed.success) return errorResponse(400, 'invalid_body', 'the body does not match the contract', zodIssues(parsed.error.issues));
    const envelope = parsed.data;
    // From here every line names the report (shared/observability/correlation.ts): the keys go first
    // on each line, as withKeys puts them (no wrapper here: this is the hot path).
    const keys = { sourceId, webhookId, ...correlationKeys(envelope.data) };

    if (!source.types.includes(envelope.type))
      return errorResponse(403, 'type_not_allowed', `source ${sourceId} may not send ${envelope.type}`);
    if (!source.orgIds.includes(envelope.data.orgId))
      return errorResponse(403, 'org_not_allowed', `source ${sourceId} may not report for ${envelope.data.orgId}`);

    const receivedAt = deps.clock.now();
    const issues = await checkMessageAsAmended(envelope, { receivedAt, amender: deps.amender ?? baselineOnly });
    if (issues.length > 0) {
      const { status, code } = issueStatus(issues);
      deps.logger.info('webhook refused', keys, { sourceId, webhookId, code, paths: issues.map((i) => i.path) });
      return errorResponse(status, code, ISSUE_MESSAGES[code] ?? 'the message cannot be accepted', issues);
    }

    const receipt: Receipt = { sourceId, webhookId, receivedAt: receivedAt.toISOString(), timestamp: envelope.timestamp };
    // The parsed data is zod's fresh copy: the receipt goes onto it, no second copy.
    const message = { type: envelope.type, detail: Object.assign(envelope.data, receipt) } as AcceptedMessage;
    const bodyHash = hash('sha256', body, 'base64');
    let outcome;
    try {
      outcome = await deps.intake.accept(message, bodyHash);
    } catch (err) {
      deps.logger.error('message store unavailable', keys, { sourceId, webhookId, error: errorName(err) });
      return errorResponse(503, 'unavailable', 'not accepted: try again with the same webhook-id', undefined, { 'retry-after': '1' });
    }
    if (outcome === 'conflict')
      return errorResponse(409, 'webhook_id_conflict', `webhook-id ${webhookId} was already used for a different body`);
    if (outcome === 'resend') deps.logger.info('exact resend acknowledged', keys, { sourceId, webhookId });
    else deps.logger.info('webhook accepted', keys, { sourceId, webhookId, type: envelope.type, orgId: envelope.data.orgId });
    return jsonResponse(202, { id: webhookId });
  };
}
