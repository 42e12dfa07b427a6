import { describe, expect, it } from 'vitest';
import { createApplyProgressHandler } from '../../functions/apply-progress/app.js';
import { correlationKeys, withKeys } from '../../shared/observability/correlation.js';
import type { ApplyResult, ProgressWriter } from '../../shared/ports/state.js';
import { progressReport, sqsRecord } from '../helpers/reports.js';
import { recordingLogger } from './reminders.fakes.js';

describe('correlation keys', () => {
  it('takes the keys a message has, and only string values', () => {
    expect(
      correlationKeys({ sourceId: 's', webhookId: 'w', planId: 'p', taskId: 'T08', orgId: '370811', period: '2023-06', metrics: [] }),
    ).toEqual({
      sourceId: 's',
      webhookId: 'w',
      planId: 'p',
      taskId: 'T08',
      orgId: '370811',
    });
    expect(correlationKeys({ planId: 'p', eventId: 'e1', orgId: 'o', taskIds: ['T13'] })).toEqual({
      planId: 'p',
      eventId: 'e1',
      orgId: 'o',
    });
    expect(correlationKeys({ taskId: 8 })).toEqual({});
  });

  it('puts the keys first on every line, beside what the line says', () => {
    const log = recordingLogger();
    const keyed = withKeys(log, { webhookId: 'w1' });
    keyed.debug('a');
    keyed.error('b', { reason: 'x' });
    expect(log.records).toEqual([
      { level: 'debug', message: 'a', attributes: [{ webhookId: 'w1' }] },
      { level: 'error', message: 'b', attributes: [{ webhookId: 'w1' }, { reason: 'x' }] },
    ]);
  });

  it('a batch applied concurrently: each record’s lines carry its own keys, never a neighbour’s', async () => {
    const log = recordingLogger();
    // The first record's write finishes last, so the records' lines interleave.
    const delays: Record<string, number> = { a: 30, b: 0, c: 10 };
    const writer: ProgressWriter = {
      applyProgress: async (report) => {
        await new Promise((r) => setTimeout(r, delays[report.webhookId]));
        if (report.webhookId === 'b') throw new Error('throttled');
        return { outcome: 'applied' } as ApplyResult;
      },
    };
    const handler = createApplyProgressHandler({ writer, logger: log });
    await handler({
      Records: [
        sqsRecord('progress.submitted', progressReport({ webhookId: 'a', orgId: '370811' }), 'm-a'),
        sqsRecord('progress.submitted', progressReport({ webhookId: 'b', orgId: '370812' }), 'm-b'),
        sqsRecord('progress.submitted', progressReport({ webhookId: 'c', orgId: '370826' }), 'm-c'),
      ],
    });
    const lines = log.records.map((r) => ({ message: r.message, ...Object.assign({}, ...r.attributes) }) as Record<string, unknown>);
    expect(lines.map((l) => [l.message, l.messageId, l.webhookId, l.orgId]).sort()).toEqual([
      ['record applied', 'm-a', 'a', '370811'],
      ['record applied', 'm-c', 'c', '370826'],
      ['record failed', 'm-b', 'b', '370812'],
    ]);
    for (const l of lines) expect(l).toMatchObject({ planId: 'jining-sports-2023', taskId: 'T08', sourceId: expect.any(String) });
  });
});
