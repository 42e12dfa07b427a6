import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../../shared/ports/logger.js';
import type * as z from '../../shared/zod.js';
import type { ReviewRecordedDetail } from '../../events/schemas.js';
import type { OfficeCaller } from '../../shared/api/office-role.js';
import { ReviewRequest } from '../../shared/api/office.js';
import { AMENDMENT_ROUTE, REVIEW_ROUTE, matchTemplate } from '../../shared/api/routes.js';
import { ApiError, NotFoundError } from '../../shared/http/api-error.js';
import { errorResponse, jsonResponse, zodIssues } from '../../shared/http/json-response.js';
import { findTask, getPlan } from '../../shared/plan/catalog.js';
import { AmendmentRequest, amendedLatest, checkChanges, type PlanAmendment } from '../../shared/plan/amendment.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import type { Plan } from '../../shared/plan/schema.js';
import type { AmendmentStore } from '../../shared/ports/amendments.js';
import { isTaskUnit } from '../../shared/plan/units.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { ReviewStore } from '../../shared/ports/reviews.js';
import type { PlanStateReader } from '../../shared/ports/state.js';
import { claimOf, indexDecisions, reviewOf } from '../../shared/review/state.js';
import { localDateOf } from '../../shared/time/local-date.js';
import { describeError } from '../../shared/errors.js';

export interface OfficeApiDeps {
  reader: PlanStateReader;
  reviews: ReviewStore;
  /** The plan amendments (计划调整): read fresh for every amendment, appended once per version. */
  amendments: AmendmentStore;
  /** The plan as amended, for the units of a task under review (default: the baseline only). */
  amender?: PlanAmender;
  /** The business clock: stamps `decidedAt`. */
  clock: Clock;
  logger: Pick<Logger, 'error' | 'info'>;
  /** Who is calling: the office, a reader (403) or nobody (401). AWS: the JWT claim; locally: the tokens. */
  authorize: (event: APIGatewayProxyEventV2) => OfficeCaller;
  /** The plans (default: the catalog). */
  plans?: (planId: string) => Plan | undefined;
}

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  constructor(message: string, code: 'no_pending_claim' | 'version_conflict' = 'no_pending_claim') {
    super(409, code, message);
  }
}

/** How often an amendment is tried again on top of one that took its version at the same moment. */
const AMEND_ATTEMPTS = 3;

/**
 * The supervision office's actions (督查室), writes kept out of the read-only query-api:
 * - `POST /v1/plans/{planId}/tasks/{taskId}/reviews` — 销号 (approve) or 退回 (return) a unit's
 *   completion claim. Each decision is an immutable row (one per claim, a conditional put).
 * - `POST /v1/plans/{planId}/amendments` — 计划调整: the next version of the plan, checked whole
 *   against the plan as amended so far (422 with every issue, nothing applied), then a row per
 *   version (a conditional put).
 * Each row is an outbox record (shared/adapters/dynamodb/outbox.ts): the table's stream puts it on
 * the bus once as `review.recorded` / `plan.amended`. This function does not publish: the one
 * conditional put decides and carries the event, so there is no stored-but-unpublished state for
 * the office to repair by repeating the request (the old dual write answered 503 then).
 * Auth before routing: 401 without a valid token, 403 for a reader.
 */
export function createOfficeApiHandler(deps: OfficeApiDeps): Handler {
  const plans = deps.plans ?? getPlan;
  const amender = deps.amender ?? baselineOnly;

  async function serve(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const caller = deps.authorize(event);
    if (caller.kind === 'anonymous')
      return errorResponse(401, 'unauthorized', 'a valid bearer token is required', undefined, { 'www-authenticate': 'Bearer' });
    if (caller.kind !== 'office') return errorResponse(403, 'forbidden', 'this action is reserved to the supervision office (督查室)');

    const method = event.requestContext.http.method.toUpperCase();
    const review = matchTemplate(REVIEW_ROUTE.path, event.rawPath);
    if (review) {
      if (method !== 'POST') return errorResponse(405, 'method_not_allowed', 'use POST', undefined, { allow: 'POST' });
      return jsonResponse(200, await decide(review, parseBody(event, ReviewRequest), caller.actor));
    }
    const amend = matchTemplate(AMENDMENT_ROUTE.path, event.rawPath);
    if (amend) {
      if (method !== 'POST') return errorResponse(405, 'method_not_allowed', 'use POST', undefined, { allow: 'POST' });
      const base = plans(amend.planId ?? '');
      if (!base) throw new NotFoundError('plan_not_found', `no plan ${amend.planId}`);
      return jsonResponse(201, await amendPlan(base, parseBody(event, AmendmentRequest), caller.actor));
    }
    throw new NotFoundError('not_found', `no route ${method} ${event.rawPath}`);
  }

  async function decide(params: Record<string, string>, body: ReviewRequest, actor: string): Promise<ReviewRecordedDetail> {
    const base = plans(params.planId ?? '');
    if (!base) throw new NotFoundError('plan_not_found', `no plan ${params.planId}`);
    // The units of the task as the plan stands today (an amendment may have reassigned them).
    const plan = await amender.asOf(base, localDateOf(deps.clock.now(), base.timeZone));
    const task = findTask(plan, params.taskId ?? '');
    if (!task) throw new NotFoundError('task_not_found', `plan ${plan.planId} has no task ${params.taskId}`);
    if (!isTaskUnit(task, body.orgId))
      throw new NotFoundError('unit_not_found', `${body.orgId} is not a lead or support unit of ${task.taskId}`);

    const [state, decisions] = await Promise.all([
      deps.reader.loadPlanState(plan.planId),
      deps.reviews.listDecisions(plan.planId, task.taskId),
    ]);
    const unit = state.units.find((u) => u.taskId === task.taskId && u.orgId === body.orgId);
    const claim = unit && claimOf(unit);
    if (!unit || !claim) {
      throw new ConflictError(
        `${body.orgId} has no completion claim on ${task.taskId} (its latest status is ${unit?.status ?? 'not reported'})`,
      );
    }
    const decision: ReviewRecordedDetail = {
      planId: plan.planId,
      taskId: task.taskId,
      orgId: body.orgId,
      claim,
      decision: body.decision,
      state: body.decision === 'approve' ? 'approved' : 'returned',
      comment: body.comment || null,
      decidedAt: deps.clock.now().toISOString(),
      decidedBy: actor,
    };
    const current = reviewOf(unit, indexDecisions(decisions));
    let recorded = decision;
    if (current?.state !== 'pending') {
      // Decided already: a repeat of the very same decision (a retry after a lost answer) gets the
      // stored decision back and changes nothing — its event went out once, from the stream; anything
      // else is a conflict.
      const existing = decisions.find((d) => d.orgId === body.orgId && sameClaim(d, decision));
      if (!existing || !sameDecision(existing, decision))
        throw new ConflictError(
          `the claim of ${body.orgId} on ${task.taskId} was already ${current?.state === 'approved' ? 'approved (销号)' : 'returned (退回)'}`,
        );
      recorded = existing;
    } else {
      const outcome = await deps.reviews.recordDecision(decision);
      if (!outcome.recorded) {
        // Another office user decided this claim a moment ago.
        if (!sameDecision(outcome.existing, decision))
          throw new ConflictError(`the claim of ${body.orgId} on ${task.taskId} was just decided by another user`);
        recorded = outcome.existing;
      }
    }
    deps.logger.info('review recorded', { planId: plan.planId, taskId: task.taskId, orgId: body.orgId, state: recorded.state });
    return recorded;
  }

  async function amendPlan(base: Plan, body: AmendmentRequest, actor: string): Promise<PlanAmendment> {
    for (let attempt = 1; ; attempt++) {
      const existing = await deps.amendments.list(base.planId);
      const last = existing[existing.length - 1];
      // The same amendment by the same user repeated (a retry after a lost answer): the stored version
      // back, nothing written — its event went out once, from the stream.
      if (last && last.amendedBy === actor && last.reason === body.reason && JSON.stringify(last.changes) === JSON.stringify(body.changes))
        return last;
      const issues = checkChanges(amendedLatest(base, existing), body.changes);
      if (issues.length > 0) throw new ApiError(422, 'invalid_amendment', 'the amendment cannot be applied; nothing was changed', issues);
      const now = deps.clock.now();
      const amendment: PlanAmendment = {
        planId: base.planId,
        version: (last?.version ?? base.version) + 1,
        effectiveFrom: localDateOf(now, base.timeZone),
        reason: body.reason,
        changes: body.changes,
        amendedAt: now.toISOString(),
        amendedBy: actor,
      };
      if ((await deps.amendments.append(amendment)) === 'recorded') {
        deps.logger.info('plan amended', { planId: base.planId, version: amendment.version, changes: amendment.changes.length });
        return amendment;
      }
      // Another amendment took this version a moment ago: check again on top of it.
      if (attempt >= AMEND_ATTEMPTS)
        throw new ConflictError(
          `version ${amendment.version} of ${base.planId} was taken by another amendment; send it again`,
          'version_conflict',
        );
    }
  }

  return async (event) => {
    try {
      return await serve(event);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err.statusCode, err.code, err.message, err.issues);
      deps.logger.error('office action failed', { path: event.rawPath, error: describeError(err) });
      return errorResponse(500, 'internal_error', 'the request could not be served');
    }
  };
}

function sameClaim(a: Pick<ReviewRecordedDetail, 'claim'>, b: Pick<ReviewRecordedDetail, 'claim'>): boolean {
  return (
    new Date(a.claim.reportedAt).getTime() === new Date(b.claim.reportedAt).getTime() &&
    a.claim.webhookId === b.claim.webhookId &&
    a.claim.sourceId === b.claim.sourceId
  );
}

/** The same decision by the same person on the same claim (the time it was taken aside). */
function sameDecision(a: ReviewRecordedDetail, b: ReviewRecordedDetail): boolean {
  return sameClaim(a, b) && a.decision === b.decision && a.comment === b.comment && a.decidedBy === b.decidedBy;
}

/** A JSON body parsed with `schema`: 415 unless JSON, 400 `malformed_json` / `invalid_body` (every issue). */
function parseBody<T extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') throw new ApiError(415, 'unsupported_media_type', 'content-type must be application/json');
  const text = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'malformed_json', 'body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(400, 'invalid_body', 'the body does not match the contract', zodIssues(parsed.error.issues));
  return parsed.data;
}
