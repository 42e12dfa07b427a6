import type { ReminderDueDetail } from '../../../events/schemas.js';
import type { DeliveryChannel, HttpClient, Notifier, RobotDirectory } from '../../ports/notifier.js';
import { checkRobotResponse } from './robot-response.js';
import { splitUtf8ByLines } from './text.js';

/** WeCom robots take at most 4096 bytes of markdown content. */
export const WECOM_MAX_BYTES = 4096;

/**
 * A WeCom (企业微信) group robot: `POST {msgtype:'markdown', markdown:{content}}` to the robot's
 * webhook URL. A digest over the robot's 4096 bytes (the bureau's, with every escalation, often is)
 * goes as several messages cut between items, in order, each titled with its part: nothing is left
 * out. At least once: if a later part fails, the delivery is retried whole and the parts before it
 * are sent again (the receipt covers the digest, not each part). A digest holds at most 99 items
 * (one transaction), about 8 parts: within the robot's 20 messages a minute.
 */
export class WecomNotifier implements Notifier {
  constructor(
    private readonly http: HttpClient,
    private readonly robots: RobotDirectory,
  ) {}

  async send(channel: DeliveryChannel, digest: ReminderDueDetail): Promise<void> {
    if (channel.kind !== 'wecom') throw new TypeError(`WecomNotifier cannot send through ${channel.kind}`);
    const { url } = await this.robots.get(channel.secretKey);
    for (const content of splitUtf8ByLines(digest.text, WECOM_MAX_BYTES)) {
      const res = await this.http.postJson(url, { msgtype: 'markdown', markdown: { content } });
      checkRobotResponse('wecom', res);
    }
  }
}
