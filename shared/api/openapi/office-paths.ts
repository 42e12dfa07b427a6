import type { OfficeRoute } from '../routes.js';
import { errorExample, errorResponse, responseRef } from './error-responses.js';
import { REF, planIdParam, taskIdParam, type Json } from './schemas.js';

/** The paths of the supervision office's actions (bearer token with the office role). */

/** What each office action answers besides 200/201, with examples (the codes of functions/office-api). */
const OFFICE_ERRORS: Record<OfficeRoute['operationId'], Record<string, Json>> = {
  reviewClaim: {
    400: errorResponse('Malformed JSON or a body against the contract (every issue with its path); a return without a comment.', {
      malformed_json: errorExample('malformed_json', 'body is not valid JSON'),
      comment_required: errorExample('invalid_body', 'the body does not match the contract', [
        { path: 'comment', message: 'a comment is required when returning a claim (退回意见)' },
      ]),
    }),
    404: errorResponse('Unknown plan or task, or the unit is not a unit of the task.', {
      task_not_found: errorExample('task_not_found', 'plan jining-sports-2023 has no task T99'),
      unit_not_found: errorExample('unit_not_found', '370811 is not a lead or support unit of T22'),
    }),
    409: errorResponse(
      'The unit has no completion claim pending review: its latest status is not `completed`, or this claim was already decided (by someone else, or otherwise).',
      {
        no_pending_claim: errorExample(
          'no_pending_claim',
          'jn-lottery-center has no completion claim on T22 (its latest status is in_progress)',
        ),
        decided: errorExample('no_pending_claim', 'the claim of jn-sports-economy on T22 was already approved (销号)'),
      },
    ),
  },
  amendPlan: {
    400: errorResponse(
      'Malformed JSON or a body against the contract (every issue with its path): an unknown `op`, a field it does not take, no change.',
      {
        malformed_json: errorExample('malformed_json', 'body is not valid JSON'),
        invalid_body: errorExample('invalid_body', 'the body does not match the contract', [
          { path: 'changes.0.op', message: 'Invalid input' },
        ]),
      },
    ),
    404: errorResponse('Unknown plan.', { plan_not_found: errorExample('plan_not_found', 'no plan nope-2023') }),
    409: errorResponse('Another amendment took the version at the same moment, three times running: send it again.', {
      version_conflict: errorExample('version_conflict', 'version 3 of jining-sports-2023 was taken by another amendment; send it again'),
    }),
    422: errorResponse('A change the plan refuses: nothing was applied. Every issue is listed with the path of its change.', {
      invalid_amendment: errorExample('invalid_amendment', 'the amendment cannot be applied; nothing was changed', [
        { path: 'changes.0.dueDate', message: 'T08-M1 would be due 2024年1月31日, after its task T08 (2023年12月31日)' },
        { path: 'changes.1.kpiId', message: 'plan jining-sports-2023 has no KPI nope' },
        { path: 'changes.2.leadOrgIds.0', message: 'jn-nowhere is not in the directory of units' },
      ]),
    }),
  },
};

export function officeOperation(r: OfficeRoute): Json {
  const pathParams = [planIdParam, ...(r.path.includes('{taskId}') ? [taskIdParam] : [])];
  return {
    post: {
      operationId: r.operationId,
      tags: ['office'],
      summary: r.summary,
      description: r.description,
      security: [{ bearerAuth: [] }],
      parameters: pathParams,
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: REF(r.requestName) } } } },
      responses: {
        [r.successStatus]: {
          description: r.successStatus === 201 ? 'Created' : 'OK',
          content: { 'application/json': { schema: { $ref: REF(r.responseName) } } },
        },
        ...OFFICE_ERRORS[r.operationId],
        401: responseRef('Unauthorized'),
        403: errorResponse(
          "The token is valid but not the office's: a reader may not act (AWS: the JWT lacks the office claim, `officeClaim`; locally: the read token, not `OFFICE_TOKEN`).",
          {
            forbidden: errorExample('forbidden', 'this action is reserved to the supervision office (督查室)'),
          },
        ),
        415: errorResponse('Content type is not application/json.', {
          unsupported_media_type: errorExample('unsupported_media_type', 'content-type must be application/json'),
        }),
        500: responseRef('InternalError'),
        // No 503 bus_unavailable: the stored row is the event, which the table's stream puts on the bus.
      },
    },
  };
}
