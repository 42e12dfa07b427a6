import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ReminderDueDetail } from '../../../events/schemas.js';
import type { DeliveryChannel, Notifier } from '../../ports/notifier.js';
import { kindsOf } from '../../reminders/digest.js';

/**
 * The notifications topic (email/SMS subscribers). Message attributes let a subscription filter:
 * `orgId`, `kind` (the digest's most urgent kind) and `kinds` (every kind in it, String.Array).
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async send(channel: DeliveryChannel, digest: ReminderDueDetail): Promise<void> {
    if (channel.kind !== 'sns') throw new TypeError(`SnsNotifier cannot send through ${channel.kind}`);
    const kinds = kindsOf(digest.items);
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects must be ASCII: the Chinese text is the body.
        Subject: `Supervision reminders ${digest.date} (${digest.items.length})`,
        Message: digest.text,
        MessageAttributes: {
          orgId: { DataType: 'String', StringValue: digest.orgId },
          kind: { DataType: 'String', StringValue: kinds[0] ?? 'none' },
          kinds: { DataType: 'String.Array', StringValue: JSON.stringify(kinds) },
        },
      }),
    );
  }
}
