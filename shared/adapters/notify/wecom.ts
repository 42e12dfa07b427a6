import type { ReminderDueDetail } from '../../../events/schemas.js';
import type { DeliveryChannel, HttpClient, Notifier, RobotDirectory } from '../../ports/notifier.js';
import { checkRobotResponse } from './robot-response.js';
import { truncateUtf8 } from './text.js';

/** WeCom robots take at most 4096 bytes of markdown content. */
export const WECOM_MAX_BYTES = 4096;

/** A WeCom (企业微信) group robot: `POST {msgtype:'markdown', markdown:{content}}` to the robot's webhook URL. */
export class WecomNotifier implements Notifier {
  constructor(
    private readonly http: HttpClient,
    private readonly robots: RobotDirectory,
  ) {}

  async send(channel: DeliveryChannel, digest: ReminderDueDetail): Promise<void> {
    if (channel.kind !== 'wecom') throw new TypeError(`WecomNotifier cannot send through ${channel.kind}`);
    const { url } = await this.robots.get(channel.secretKey);
    const res = await this.http.postJson(url, { msgtype: 'markdown', markdown: { content: truncateUtf8(digest.text, WECOM_MAX_BYTES) } });
    checkRobotResponse('wecom', res);
  }
}
