import * as z from '../zod.js';
import { ClaimRef, REVIEW_DECISIONS, ReviewRecordedDetail } from '../../events/schemas.js';
import { OrgId } from '../plan/schema.js';

/**
 * The bodies of the office actions (督查室: POST routes served by office-api), as zod: the handler
 * parses with these and the OpenAPI document is generated from them.
 */

export const MAX_COMMENT_LENGTH = 1000;

/** `POST /v1/plans/{planId}/tasks/{taskId}/reviews`: 销号 (approve) or 退回 (return) a unit's completion claim. */
export const ReviewRequest = z
  .strictObject({
    orgId: z.withMeta(OrgId, { description: 'The unit whose completion claim is decided.' }),
    decision: z.withMeta(z.enum(REVIEW_DECISIONS), {
      description: '`approve` = 销号 (the unit is done with the task); `return` = 退回 (back in progress).',
    }),
    comment: z.withMeta(z.optional(z.string().check(z.trim(), z.maxLength(MAX_COMMENT_LENGTH))), {
      description: "The office's words; required when returning (退回意见), sent to the unit in its next digest.",
    }),
  })
  .check(
    z.superRefine((d, ctx) => {
      if (d.decision === 'return' && !d.comment)
        ctx.addIssue({ code: 'custom', path: ['comment'], message: 'a comment is required when returning a claim (退回意见)' });
    }),
  );
export type ReviewRequest = z.infer<typeof ReviewRequest>;

/** The decision as recorded (the same fields as its audit row and its `review.recorded` event). */
export const ReviewResponse = z.withMeta(ReviewRecordedDetail, {
  description: 'The recorded decision: `state` is `approved` (销号) or `returned` (退回).',
});

export { ClaimRef };
