import * as z from '../zod.js';
import { OrgId } from '../plan/schema.js';

/** Where a unit's reminders go. Robot URLs are secrets: only a reference to them is kept here. */
export const Channel = z.discriminatedUnion('kind', [
  /** The notifications SNS topic; subscribers filter on the `orgId` and `kind` message attributes. */
  z.object({ kind: z.literal('sns') }),
  /** A WeCom (企业微信) group robot; `secretKey` names the URL inside the robot-URL secret. */
  z.object({ kind: z.literal('wecom'), secretKey: z.string().check(z.minLength(1)) }),
  /** A DingTalk (钉钉) group robot with signing; `secretKey` names `{ url, secret }` inside the secret. */
  z.object({ kind: z.literal('dingtalk'), secretKey: z.string().check(z.minLength(1)) }),
]);
export type Channel = z.infer<typeof Channel>;

export const OrgKind = z.enum(['bureau', 'office', 'direct_unit', 'county', 'zone']);
export type OrgKind = z.infer<typeof OrgKind>;

export const Org = z.object({
  orgId: OrgId,
  name: z.string().check(z.minLength(1)),
  kind: OrgKind,
  /** GB/T 2260 administrative division code for counties. */
  divisionCode: z.optional(z.string().check(z.regex(/^\d{6}$/))),
  /** Escalation (督办升级) goes here; null only for the bureau itself. */
  supervisorOrgId: z.nullable(OrgId),
  channels: z._default(z.array(Channel), []),
});
export type Org = z.infer<typeof Org>;
