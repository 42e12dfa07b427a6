import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReminderDueDetail } from '../../events/schemas.js';
import { createDeliverNotificationHandler, type DeliverNotificationDeps } from '../../functions/deliver-notification/app.js';
import { DingtalkNotifier, dingtalkSign } from '../../shared/adapters/notify/dingtalk.js';
import { RobotNotConfiguredError } from '../../shared/adapters/errors.js';
import { OutboxNotifier } from '../../shared/adapters/notify/outbox.js';
import { SecretsManagerRobotDirectory, parseRobotSecret } from '../../shared/adapters/notify/robot-secrets.js';
import { SnsNotifier } from '../../shared/adapters/notify/sns.js';
import { splitUtf8ByLines, truncateUtf8 } from '../../shared/adapters/notify/text.js';
import { WECOM_MAX_BYTES, WecomNotifier } from '../../shared/adapters/notify/wecom.js';
import type { DeliveryChannel, DeliveryReceipts, HttpClient, ReceiptState } from '../../shared/ports/notifier.js';
import { recordingLogger } from './reminders.fakes.js';

const TOPIC = 'arn:aws:sns:cn-north-1:123456789012:notifications';
const SECRET_ARN = 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:robots';
const WECOM_URL = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-secret-key-123';
const DINGTALK_URL = 'https://oapi.dingtalk.com/robot/send?access_token=ding-token-456';
const DINGTALK_SECRET = 'SECtestsecret123';

const digest = (orgId = 'jn-mass-sports', n = 1): ReminderDueDetail => ({
  digestId: `jining-sports-2023#2023-10-09#${orgId}#${n}`,
  planId: 'jining-sports-2023',
  orgId,
  date: '2023-10-09',
  items: [
    {
      key: `due_soon#T07#${orgId}#d3`,
      kind: 'due_soon',
      taskId: 'T07',
      dueDate: '2023-10-12',
      title: '做好群众文体生活满意度工作',
      daysLeft: 3,
    },
    {
      key: `overdue#T07-M2#${orgId}#2023-10-09`,
      kind: 'overdue',
      taskId: 'T07',
      milestoneId: 'T07-M2',
      dueDate: '2023-08-31',
      title: '全民健身月活动',
      daysOverdue: 39,
    },
  ],
  text: '### 督查督办提醒（2023-10-09）\n1. 【逾期】…',
});

let seq = 0;
function record(body: unknown): SQSRecord {
  seq++;
  return {
    messageId: `m-${seq}`,
    receiptHandle: `r-${seq}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:cn-north-1:123456789012:delivery',
    awsRegion: 'cn-north-1',
  };
}

const envelope = (detail: ReminderDueDetail) => ({
  version: '0',
  id: `ev-${detail.digestId}`,
  'detail-type': 'reminder.due',
  source: 'jining.supervision',
  time: '2023-10-09T01:00:00Z',
  account: '123456789012',
  region: 'cn-north-1',
  resources: [],
  detail,
});

const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

class MemoryReceipts implements DeliveryReceipts {
  readonly state = new Map<string, 'sending' | 'sent'>();
  async begin(digestId: string, channel: string): Promise<ReceiptState> {
    const s = this.state.get(`${digestId}|${channel}`);
    if (s === 'sent') return 'sent';
    if (s === 'sending') return 'busy';
    this.state.set(`${digestId}|${channel}`, 'sending');
    return 'acquired';
  }
  async complete(digestId: string, channel: string): Promise<void> {
    this.state.set(`${digestId}|${channel}`, 'sent');
  }
  async release(digestId: string, channel: string): Promise<void> {
    this.state.delete(`${digestId}|${channel}`);
  }
}

/** The HTTP port as the robots answer; `answers` are used in order, then `{errcode: 0}`. */
class FakeHttp implements HttpClient {
  readonly calls: Array<{ url: string; body: unknown }> = [];
  answers: Array<{ status: number; json: unknown }> = [];
  async postJson(url: string, body: unknown) {
    this.calls.push({ url, body });
    return this.answers.shift() ?? { status: 200, json: { errcode: 0, errmsg: 'ok' } };
  }
}

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  sns.reset();
  secrets.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({ 'mass-wecom': WECOM_URL, 'mass-ding': { url: DINGTALK_URL, secret: DINGTALK_SECRET } }),
  });
});

afterEach(() => {
  sns.reset();
  secrets.reset();
});

function setup(
  channels: DeliveryChannel[] = [{ kind: 'sns' }, { kind: 'wecom', secretKey: 'mass-wecom' }, { kind: 'dingtalk', secretKey: 'mass-ding' }],
  extra: Partial<DeliverNotificationDeps> = {},
) {
  const http = new FakeHttp();
  const robots = new SecretsManagerRobotDirectory(new SecretsManagerClient({}), SECRET_ARN);
  const receipts = new MemoryReceipts();
  const logger = recordingLogger();
  const handler = createDeliverNotificationHandler({
    channelsFor: () => channels,
    senders: {
      sns: new SnsNotifier(new SNSClient({}), TOPIC),
      wecom: new WecomNotifier(http, robots),
      dingtalk: new DingtalkNotifier(http, robots, () => 1696813200000),
    },
    receipts,
    logger,
    ...extra,
  });
  return { handler, http, receipts, logger };
}

describe('deliver-notification', () => {
  it('sends one digest through every channel of the unit', async () => {
    const { handler, http } = setup();
    const out = await handler(sqsEvent(record(envelope(digest()))));
    expect(out.batchItemFailures).toEqual([]);

    const publish = sns.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    expect(publish[0]?.args[0].input).toMatchObject({
      TopicArn: TOPIC,
      Message: digest().text,
      MessageAttributes: {
        orgId: { DataType: 'String', StringValue: 'jn-mass-sports' },
        kind: { DataType: 'String', StringValue: 'overdue' },
        kinds: { DataType: 'String.Array', StringValue: '["overdue","due_soon"]' },
      },
    });
    expect(publish[0]?.args[0].input.Subject).toMatch(/^[\x20-\x7e]+$/);

    const wecom = http.calls.find((c) => c.url.startsWith('https://qyapi'));
    expect(wecom).toEqual({ url: WECOM_URL, body: { msgtype: 'markdown', markdown: { content: digest().text } } });

    const ding = http.calls.find((c) => c.url.startsWith('https://oapi'));
    // Signature computed independently (Python hmac/base64/quote_plus) for this secret and timestamp.
    expect(ding?.url).toBe(`${DINGTALK_URL}&timestamp=1696813200000&sign=4fsDtsgXZoVj12fCjHWlcekGqJQ%2F6z9rTfuCAuzYpPw%3D`);
    expect(ding?.body).toEqual({ msgtype: 'markdown', markdown: { title: '督查督办提醒 2023-10-09', text: digest().text } });
  });

  it('reads the robot secret once and caches it', async () => {
    const { handler } = setup();
    await handler(sqsEvent(record(envelope(digest('a'))), record(envelope(digest('b')))));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('a failed channel fails the record; the retry repeats only that channel', async () => {
    const { handler, http } = setup();
    // WeCom answers 200 with an error code on the first call.
    http.answers = [];
    const wecomFirst = { status: 200, json: { errcode: 93000, errmsg: 'invalid webhook url' } };
    const original = http.postJson.bind(http);
    let wecomCalls = 0;
    http.postJson = async (url, body) => {
      if (url.startsWith('https://qyapi') && wecomCalls++ === 0) {
        http.calls.push({ url, body });
        return wecomFirst;
      }
      return original(url, body);
    };
    const rec = record(envelope(digest()));
    const first = await handler(sqsEvent(rec));
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: rec.messageId }]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);

    const retry = await handler(sqsEvent(rec));
    expect(retry.batchItemFailures).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(http.calls.filter((c) => c.url.startsWith('https://qyapi'))).toHaveLength(2);
    expect(http.calls.filter((c) => c.url.startsWith('https://oapi'))).toHaveLength(1);
  });

  it('a redelivered digest that every channel took sends nothing', async () => {
    const { handler, http } = setup();
    const rec = record(envelope(digest()));
    await handler(sqsEvent(rec));
    await handler(sqsEvent(record(envelope(digest()))));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(http.calls).toHaveLength(2);
  });

  it('one bad record fails alone', async () => {
    const { handler } = setup([{ kind: 'sns' }]);
    const bad = record('{not json');
    const invalid = record(envelope({ ...digest(), items: [] }));
    const good = record(envelope(digest()));
    const out = await handler(sqsEvent(bad, good, invalid));
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([bad.messageId, invalid.messageId].sort());
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('a batch whose every record failed reports every record (never an empty response)', async () => {
    sns.on(PublishCommand).rejects(new Error('throttled'));
    const { handler } = setup([{ kind: 'sns' }]);
    const a = record(envelope(digest('a')));
    const b = record(envelope(digest('b')));
    const out = await handler(sqsEvent(a, b));
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([a.messageId, b.messageId].sort());
  });

  it('a channel being sent by another delivery fails the record for a later retry', async () => {
    const { handler, receipts } = setup([{ kind: 'sns' }]);
    receipts.state.set(`${digest().digestId}|sns`, 'sending');
    const rec = record(envelope(digest()));
    expect((await handler(sqsEvent(rec))).batchItemFailures).toEqual([{ itemIdentifier: rec.messageId }]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('never logs a robot URL or secret', async () => {
    const { handler, http, logger } = setup([
      { kind: 'wecom', secretKey: 'mass-wecom' },
      { kind: 'dingtalk', secretKey: 'mass-ding' },
      { kind: 'wecom', secretKey: 'missing' },
    ]);
    http.answers = [{ status: 500, json: undefined }];
    await handler(sqsEvent(record(envelope(digest()))));
    const logged = JSON.stringify(logger.records);
    expect(logged).toContain('channel did not take the digest');
    for (const secret of ['wecom-secret-key-123', 'ding-token-456', DINGTALK_SECRET]) expect(logged).not.toContain(secret);
  });

  it('a channel kind without a sender fails the record', async () => {
    const { handler, logger } = setup([{ kind: 'outbox' }]);
    const rec = record(envelope(digest()));
    expect((await handler(sqsEvent(rec))).batchItemFailures).toEqual([{ itemIdentifier: rec.messageId }]);
    expect(JSON.stringify(logger.records)).toContain('NoSenderError');
  });
});

describe('notify adapters', () => {
  it('dingtalkSign matches an independently computed signature', () => {
    expect(dingtalkSign(DINGTALK_SECRET, 1696813200000)).toBe('4fsDtsgXZoVj12fCjHWlcekGqJQ%2F6z9rTfuCAuzYpPw%3D');
  });

  it('checks the DingTalk errcode', async () => {
    const http = new FakeHttp();
    http.answers = [{ status: 200, json: { errcode: 310000, errmsg: 'sign not match' } }];
    const ding = new DingtalkNotifier(http, { get: async () => ({ url: DINGTALK_URL, secret: DINGTALK_SECRET }) });
    await expect(ding.send({ kind: 'dingtalk', secretKey: 'k' }, digest())).rejects.toThrow(/errcode 310000/);
  });

  it('parses the robot secret: URL strings and { url, secret }, naming a bad entry without its content', () => {
    const robots = parseRobotSecret(JSON.stringify({ a: 'https://x/a', b: { url: 'https://x/b', secret: 's' } }));
    expect(robots.get('a')).toEqual({ url: 'https://x/a' });
    expect(robots.get('b')).toEqual({ url: 'https://x/b', secret: 's' });
    expect(() => parseRobotSecret(JSON.stringify({ c: { token: 'hidden-value' } }))).toThrow(RobotNotConfiguredError);
    try {
      parseRobotSecret(JSON.stringify({ c: { token: 'hidden-value' } }));
    } catch (err) {
      expect(String(err)).not.toContain('hidden-value');
    }
  });

  it('sends a digest over WeCom’s 4096 bytes as several messages cut between items: every item once, in order', async () => {
    const http = new FakeHttp();
    const title = '### 督查督办提醒（2023年10月9日）';
    const items = Array.from({ length: 30 }, (_, i) => `${i + 1}. 【督办升级】${'逾'.repeat(100)}`);
    const text = [title, '**济宁市体育局**：共30项待办——督办升级30项。', '', ...items].join('\n');
    await new WecomNotifier(http, { get: async () => ({ url: WECOM_URL }) }).send({ kind: 'wecom', secretKey: 'k' }, { ...digest(), text });
    const contents = http.calls.map((c) => (c.body as { markdown: { content: string } }).markdown.content);
    expect(contents).toHaveLength(3);
    contents.forEach((content, i) => {
      expect(new TextEncoder().encode(content).length).toBeLessThanOrEqual(WECOM_MAX_BYTES);
      expect(content.split('\n')[0]).toBe(`${title}（第${i + 1}/3条）`);
    });
    const lines = contents.flatMap((c) => c.split('\n').slice(1)).filter((l) => l !== '');
    expect(lines).toEqual(
      text
        .split('\n')
        .slice(1)
        .filter((l) => l !== ''),
    );
    expect(contents.join('')).not.toContain('已截断');
  });

  it('a digest that fits is one message, unchanged; one line longer than a whole message is cut and says so', async () => {
    const http = new FakeHttp();
    const wecom = new WecomNotifier(http, { get: async () => ({ url: WECOM_URL }) });
    await wecom.send({ kind: 'wecom', secretKey: 'k' }, digest());
    expect((http.calls[0]?.body as { markdown: { content: string } }).markdown.content).toBe(digest().text);
    await wecom.send({ kind: 'wecom', secretKey: 'k' }, { ...digest(), text: `标题\n${'逾'.repeat(3000)}` });
    const cut = (http.calls[1]?.body as { markdown: { content: string } }).markdown.content;
    expect(http.calls).toHaveLength(2);
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(WECOM_MAX_BYTES);
    expect(cut).toContain('已截断');
    expect(truncateUtf8('短', 10)).toBe('短');
  });

  it('a part the robot refuses fails the send, so that the delivery is retried (whole: at least once)', async () => {
    const http = new FakeHttp();
    http.answers = [
      { status: 200, json: { errcode: 0, errmsg: 'ok' } },
      { status: 200, json: { errcode: 45009, errmsg: 'api freq out of limit' } },
    ];
    const text = ['标题', ...Array.from({ length: 30 }, (_, i) => `${i + 1}. ${'逾'.repeat(100)}`)].join('\n');
    await expect(
      new WecomNotifier(http, { get: async () => ({ url: WECOM_URL }) }).send({ kind: 'wecom', secretKey: 'k' }, { ...digest(), text }),
    ).rejects.toThrow(/errcode 45009/);
    expect(http.calls).toHaveLength(2);
  });

  it('more than 99 parts: the labels are widened before packing, so that none pushes a part over', () => {
    // 58-byte lines, three to a part when packed for two-digit labels: exactly full, so a
    // three-digit label (the 100th part) would overflow by a byte; packed for three digits, two fit.
    const lines = Array.from({ length: 300 }, (_, i) => `${'x'.repeat(55)}${String(i).padStart(3, '0')}`);
    const parts = splitUtf8ByLines(['### T', ...lines].join('\n'), 200);
    expect(Math.max(...parts.map((p) => new TextEncoder().encode(p).length))).toBeLessThanOrEqual(200);
    expect(parts).toHaveLength(150);
    expect(parts.at(-1)!.split('\n')[0]).toBe('### T（第150/150条）');
    expect(parts.flatMap((p) => p.split('\n').slice(1))).toEqual(lines);
  });

  it('property: the parts are each within the limit and keep every line that fits, in order, under a numbered title', () => {
    // Lines of 1–4 UTF-8 bytes a character, sometimes blank; `size: 'max'` so that about half the
    // digests need parts (fast-check's default sizes would rarely split one).
    const line = fc.oneof(
      fc.constant(''),
      fc.string({ unit: fc.constantFrom('逾', '期', 'a', ' ', '😀', '。'), minLength: 20, maxLength: 100, size: 'max' }),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 80, size: 'max' }), fc.integer({ min: 1000, max: 4000 }), (rest, maxBytes) => {
        const text = ['### 标题', ...rest].join('\n');
        const parts = splitUtf8ByLines(text, maxBytes);
        if (new TextEncoder().encode(text).length <= maxBytes) {
          expect(parts).toEqual([text]);
          return;
        }
        parts.forEach((p, i) => {
          expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(maxBytes);
          expect(p.split('\n')[0]).toBe(`### 标题（第${i + 1}/${parts.length}条）`);
        });
        const kept = parts.flatMap((p) => p.split('\n').slice(1)).filter((l) => l.trim() !== '');
        expect(kept).toEqual(rest.filter((l) => l.trim() !== ''));
      }),
    );
  });

  it('the outbox lists entries oldest first and keeps them in a JSONL file across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'nested', 'outbox.jsonl');
    let t = Date.parse('2023-10-09T01:00:00Z');
    const outbox = new OutboxNotifier({ file, now: () => new Date((t += 1000)) });
    await outbox.send({ kind: 'outbox' }, digest('a'));
    await outbox.send({ kind: 'outbox' }, digest('b'));
    expect(outbox.list().map((e) => e.orgId)).toEqual(['a', 'b']);
    expect(outbox.list()[0]).toEqual({
      id: digest('a').digestId,
      channel: 'outbox',
      orgId: 'a',
      items: [
        { kind: 'due_soon', taskId: 'T07', dueDate: '2023-10-12' },
        { kind: 'overdue', taskId: 'T07', milestoneId: 'T07-M2', dueDate: '2023-08-31' },
      ],
      text: digest('a').text,
      sentAt: '2023-10-09T01:00:01.000Z',
    });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    const reopened = new OutboxNotifier({ file });
    expect(reopened.list()).toEqual(outbox.list());
  });

  it('the outbox channel through the delivery handler', async () => {
    const outbox = new OutboxNotifier();
    const handler = createDeliverNotificationHandler({
      channelsFor: () => [{ kind: 'outbox' }],
      senders: { outbox },
      receipts: new MemoryReceipts(),
      logger: recordingLogger(),
    });
    const rec = record(envelope(digest()));
    await handler(sqsEvent(rec));
    await handler(sqsEvent(rec));
    expect(outbox.list()).toHaveLength(1);
  });
});
