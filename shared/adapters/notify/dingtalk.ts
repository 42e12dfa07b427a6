import { createHmac } from 'node:crypto';
import type { ReminderDueDetail } from '../../../events/schemas.js';
import type { DeliveryChannel, HttpClient, Notifier, RobotDirectory } from '../../ports/notifier.js';
import { RobotNotConfiguredError } from '../errors.js';
import { checkRobotResponse } from './robot-response.js';
import { splitUtf8ByLines } from './text.js';

/** Kept well under DingTalk's message size limit. */
export const DINGTALK_MAX_BYTES = 18_000;

/** DingTalk's robot signature: HMAC-SHA256 of `timestamp + "\n" + secret` keyed by the secret, base64, then URL-encoded. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  const base64 = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(base64);
}

/** The signed webhook URL: the robot URL plus `&timestamp=…&sign=…`. */
export function signedDingtalkUrl(url: string, secret: string, timestampMs: number): string {
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}timestamp=${timestampMs}&sign=${dingtalkSign(secret, timestampMs)}`;
}

/**
 * A DingTalk (钉钉) group robot with signing (加签): `POST {msgtype:'markdown', markdown:{title, text}}`.
 * A digest over the limit goes as several messages cut between items, as for WeCom (wecom.ts).
 */
export class DingtalkNotifier implements Notifier {
  constructor(
    private readonly http: HttpClient,
    private readonly robots: RobotDirectory,
    private readonly now: () => number = Date.now,
  ) {}

  async send(channel: DeliveryChannel, digest: ReminderDueDetail): Promise<void> {
    if (channel.kind !== 'dingtalk') throw new TypeError(`DingtalkNotifier cannot send through ${channel.kind}`);
    const robot = await this.robots.get(channel.secretKey);
    if (!robot.secret) throw new RobotNotConfiguredError(`dingtalk robot ${channel.secretKey} has no signing secret`);
    for (const text of splitUtf8ByLines(digest.text, DINGTALK_MAX_BYTES)) {
      // Signed per message: the signature's timestamp must be within an hour of the send.
      const res = await this.http.postJson(signedDingtalkUrl(robot.url, robot.secret, this.now()), {
        msgtype: 'markdown',
        markdown: { title: `督查督办提醒 ${digest.date}`, text },
      });
      checkRobotResponse('dingtalk', res);
    }
  }
}
