import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../shared/adapters/notify/outbox.js';
import type { SendRemindersSummary } from '../../functions/send-reminders/app.js';
import { Api, TOKEN, digestOf, progressBody, sendWebhook, stopLocal, tempDataDir } from './helpers.js';
import { startLocal, type LocalProcess } from './local-process.js';

/**
 * Issue 14 (reminders a 督查室 would sign off) through `npm start`'s runtime: the job run as of 2023
 * dates by the admin endpoint, drained into the outbox. Two runtimes: one where nobody reports, one
 * where a few counties do (任城区 on T08 every month, 曲阜市 reporting T08 blocked in June).
 */

class Runtime {
  private seen = 0;
  constructor(
    readonly process: LocalProcess,
    readonly api: Api,
    readonly dataDir: string,
  ) {}

  /** Runs the job as of 09:00 on `date`, drains, and returns the digests it added to the outbox. */
  async remind(date: string): Promise<OutboxEntry[]> {
    const summary = await this.api.job<SendRemindersSummary>('send-reminders', { now: `${date}T09:00:00+08:00` });
    expect(summary.runs[0]).toMatchObject({ date, workday: true });
    await this.api.drain();
    const items = await this.api.outbox();
    const sent = items.slice(this.seen);
    this.seen = items.length;
    expect(sent).toHaveLength(summary.runs[0]?.digests ?? -1);
    // One digest per unit per day.
    expect(new Set(sent.map((s) => s.orgId)).size).toBe(sent.length);
    return sent;
  }

  async report(sourceId: string, id: string, input: Parameters<typeof progressBody>[0]): Promise<void> {
    expect((await sendWebhook(this.api.url, { sourceId, id, body: progressBody(input) })).status).toBe(202);
  }
}

async function start(name: string): Promise<Runtime> {
  const dataDir = await tempDataDir(name);
  const process = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, CLOCK: '2023-06-19T08:00:00+08:00' } });
  return new Runtime(process, new Api(process.url), dataDir);
}

const kindsOf = (d: OutboxEntry, kind: string) => [...new Set(d.items.filter((i) => i.kind === kind).map((i) => i.taskId))].sort();

/** Point 13: every line in the office's words. */
function expectOfficeWording(sent: readonly OutboxEntry[], date: string): void {
  const [y, m, d] = date.split('-').map(Number);
  for (const digest of sent) {
    expect(digest.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(digest.text).not.toMatch(/\d{4}-(Q[1-4]|\d{2})/);
    const lines = digest.text.split('\n');
    expect(lines[0]).toBe(`### 督查督办提醒（${y}年${m}月${d}日）`);
    const items = lines.filter((l) => /^\d+\. 【/.test(l));
    expect(items.length).toBe(digest.items.length);
    for (const line of items) {
      // An instruction with a date on every item.
      expect(line).toMatch(/请(\S*?)于\d{4}年\d{1,2}月\d{1,2}日前/);
      if (line.includes('逾期')) expect(line).toMatch(/已逾期\d+个工作日/);
      if (line.includes('【督办升级】') || line.includes('【协调】')) expect(line).toContain('请济宁市体育局');
    }
  }
}

let silent: Runtime;
let reporting: Runtime;

beforeAll(async () => {
  [silent, reporting] = await Promise.all([start('remind-silent'), start('remind-reporting')]);
}, 120_000);

afterAll(async () => {
  for (const r of [silent, reporting]) {
    if (!r) continue;
    await stopLocal(r.process);
    await rm(r.dataDir, { recursive: true, force: true });
  }
});

describe('nobody reports (issue 14 points 1, 9, 10, 11, 13)', () => {
  it('2023-06-19: the advance notice, three workdays before June’s due day (Sunday 06-25, a make-up workday)', async () => {
    const sent = await silent.remind('2023-06-19');
    const county = digestOf(sent, '370811');
    expect(kindsOf(county, 'report_due_soon')).toEqual(['T08', 'T10', 'T17']);
    expect(county.text).toContain('T08 健全完善各级体育组织网络：请于2023年6月25日前报送2023年6月进度。');
    expectOfficeWording(sent, '2023-06-19');
  }, 60_000);

  it('2023-07-03: counties get their own 催报, June is not forgotten, assumed dates raise no alarm, the bureau reads one line per unit', async () => {
    const sent = await silent.remind('2023-07-03');
    // Point 9: a county and a zone, each with its own digest for the KPIs its reports feed.
    const county = digestOf(sent, '370811');
    expect(kindsOf(county, 'report_missing')).toEqual(['T08', 'T10', 'T17']);
    expect(kindsOf(digestOf(sent, 'jn-zone-gaoxin'), 'report_missing')).toEqual(['T08', 'T10']);
    // Point 10: June (due 06-25) is still chased on 07-03, with every earlier month.
    expect(county.text).toContain('T08 健全完善各级体育组织网络：2023年1月至6月进度未报送，最早一期应于2023年1月28日前报送');
    // Point 1: T05-M1, T08-M1, T18-M1 and T24-M1 have assumed dates: no overdue, no escalation. T10-M1 is printed.
    const alarms = sent.flatMap((s) => s.items).filter((i) => (i.kind === 'overdue' || i.kind === 'escalation') && i.milestoneId);
    expect([...new Set(alarms.map((i) => i.milestoneId))]).toEqual(['T10-M1']);
    // Points 10 and 13: the bureau is asked, by name, to chase each unit that does not report.
    const bureau = digestOf(sent, 'jn-sports-bureau');
    // 07-03 is July's first workday: besides the escalations, June's bulletin (通报) is ready (issue 16).
    expect(bureau.items.filter((i) => i.kind !== 'escalation')).toEqual([{ kind: 'bulletin_ready', period: '2023-06' }]);
    expect(bureau.text).toMatch(
      /\d+\. 【通报】2023年6月《济宁市体育局2023年工作要点》落实情况通报已生成，可在督查督办看板“总览”页下载（Excel、CSV、网页版）。请于2023年7月5日前审核印发。$/,
    );
    expect(bureau.text).toMatch(
      /【督办升级】任城区进度逾期未报送：T08 健全完善各级体育组织网络（2023年1月至6月）；T10 [^；]+；T17 [^。]+。最早一期应于2023年1月28日前报送，已逾期\d+个工作日。请济宁市体育局督促其于2023年7月\d+日前补报。/,
    );
    expect(bureau.text).toContain(
      '【督办升级】T10 继续开展太极拳推广普及工作／节点 T10-M1“5.19全国太极拳大联动展示活动”：群众体育科未按期办结，2023年5月19日到期，已逾期',
    );
    expect(bureau.text).not.toContain('另有');
    expectOfficeWording(sent, '2023-07-03');
  }, 60_000);

  it('2023-12-29: the last workday before T08’s Sunday deadline carries the final reminder, to the lead unit and to each county', async () => {
    const sent = await silent.remind('2023-12-29');
    const lead = digestOf(sent, 'jn-mass-sports');
    expect(lead.items).toContainEqual({ kind: 'due_soon', taskId: 'T08', dueDate: '2023-12-31' });
    expect(lead.text).toContain(
      'T08 健全完善各级体育组织网络：将于2023年12月31日（星期日，非工作日）到期，今天是到期前最后一个工作日。请于2023年12月29日前办结并报送。',
    );
    expect(kindsOf(digestOf(sent, '370811'), 'due_soon')).toEqual(['T08', 'T10', 'T17']);
    expectOfficeWording(sent, '2023-12-29');
  }, 60_000);
});

describe('a few counties report (issue 14 points 5, 9, 10, 13)', () => {
  it('任城区 reports T08 every month and T17 for June; 曲阜市 reports T08 blocked in June', async () => {
    for (const month of ['01', '02', '03', '04', '05', '06']) {
      await reporting.report('rencheng', `msg_rc_t08_${month}`, {
        taskId: 'T08',
        orgId: '370811',
        reportedAt: `2023-${month}-20T10:00:00+08:00`,
        period: `2023-${month}`,
        metrics: [{ kpiId: 'sports-associations', value: 10 + Number(month) }],
      });
    }
    await reporting.report('rencheng', 'msg_rc_t17_06', {
      taskId: 'T17',
      orgId: '370811',
      reportedAt: '2023-06-21T10:00:00+08:00',
      period: '2023-06',
      metrics: [{ kpiId: '8421-primary-schools', value: 8 }],
    });
    await reporting.report('qufu', 'msg_qf_t08_06', {
      taskId: 'T08',
      orgId: '370881',
      reportedAt: '2023-06-28T16:00:00+08:00',
      period: '2023-06',
      status: 'blocked',
      summary: '体育社团登记需民政部门协调',
    });
    await reporting.api.drain();
  }, 60_000);

  it('2023-07-03: what was reported is not chased; the blocked report reaches the bureau as 协调', async () => {
    const sent = await reporting.remind('2023-07-03');
    const rencheng = digestOf(sent, '370811');
    expect(kindsOf(rencheng, 'report_missing')).toEqual(['T10', 'T17']);
    expect(rencheng.text).toContain('T17 在全市试行“8421工程”：2023年1月至5月进度未报送');
    const qufu = digestOf(sent, '370881');
    expect(qufu.text).toContain('T08 健全完善各级体育组织网络：2023年1月至5月进度未报送');
    const bureau = digestOf(sent, 'jn-sports-bureau');
    expect(bureau.items).toContainEqual({ kind: 'blocked', taskId: 'T08', dueDate: '2023-12-31' });
    expect(bureau.text).toContain(
      '【协调】T08 健全完善各级体育组织网络：曲阜市于2023年6月28日报告工作受阻。请济宁市体育局于2023年7月5日前协调解决，并督促其报送进度。',
    );
    expectOfficeWording(sent, '2023-07-03');
  }, 60_000);

  it('2023-12-29: 任城区 reported T08 and T17 through December: only T10 is chased, and the deadlines come', async () => {
    for (const month of ['07', '08', '09', '10', '11', '12']) {
      await reporting.report('rencheng', `msg_rc_t08_${month}`, {
        taskId: 'T08',
        orgId: '370811',
        reportedAt: `2023-${month}-20T10:00:00+08:00`,
        period: `2023-${month}`,
      });
      await reporting.report('rencheng', `msg_rc_t17_${month}`, {
        taskId: 'T17',
        orgId: '370811',
        reportedAt: `2023-${month}-21T10:00:00+08:00`,
        period: `2023-${month}`,
      });
    }
    for (const month of ['01', '02', '03', '04', '05']) {
      await reporting.report('rencheng', `msg_rc_t17_${month}`, {
        taskId: 'T17',
        orgId: '370811',
        reportedAt: `2023-12-22T10:0${month.slice(1)}:00+08:00`,
        period: `2023-${month}`,
      });
    }
    await reporting.api.drain();
    const sent = await reporting.remind('2023-12-29');
    const rencheng = digestOf(sent, '370811');
    expect(kindsOf(rencheng, 'report_missing')).toEqual(['T10']);
    expect(kindsOf(rencheng, 'due_soon')).toEqual(['T08', 'T10', 'T17']);
    // The blocked report was sent on 07-03: not again.
    expect(sent.flatMap((s) => s.items).filter((i) => i.kind === 'blocked')).toEqual([]);
    expectOfficeWording(sent, '2023-12-29');
    expect(await reporting.api.deadLetters()).toEqual([]);
  }, 90_000);
});
