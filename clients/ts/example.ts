/**
 * Example for a county system: sign one progress report and send it.
 *
 *   SUPERVISION_URL=http://127.0.0.1:3000 SOURCE_ID=rencheng WEBHOOK_SECRET=whsec_… npx tsx clients/ts/example.ts
 *
 * Against `npm start`, the dev-only secret of `rencheng` (任城区, unit 370811) is in
 * config/sources.local.json. Prints `202 accepted <id>`, or the refusal and exits 1.
 */
import { randomUUID } from 'node:crypto';
import { createSupervisionClient, sendWebhook, type ProgressReport } from './client.js';

const baseUrl = process.env.SUPERVISION_URL ?? 'http://127.0.0.1:3000';
const sourceId = process.env.SOURCE_ID ?? 'rencheng';
const orgId = process.env.ORG_ID ?? '370811';
const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('set WEBHOOK_SECRET to the secret the bureau issued to this source (whsec_…)');
  process.exit(2);
}

// When the report was made, with its real UTC offset: it must lie in the plan's year (± 1) and never
// after the moment it is sent (422 time_out_of_range). A live system sends new Date().toISOString() for
// the current plan; this example reports on the 2023 plan as of late June 2023.
const madeAt = process.env.REPORTED_AT ?? '2023-06-25T10:00:00+08:00';
const report: ProgressReport = {
  type: 'progress.submitted',
  timestamp: madeAt,
  data: {
    planId: 'jining-sports-2023',
    taskId: 'T08',
    orgId,
    reportedAt: madeAt,
    period: '2023-06',
    status: 'in_progress',
    percentComplete: 45,
    metrics: [{ kpiId: 'sports-clubs', value: 48 }],
    summary: '新登记体育俱乐部5家。',
  },
};

// Store the id with the report: a retry (network error, 429, 5xx) resends the same id and body.
const id = `msg_${randomUUID().replaceAll('-', '')}`;
const client = createSupervisionClient({ baseUrl });
const { data, error, response } = await sendWebhook(client, { sourceId, secret, id, message: report });
if (data) {
  console.log(`${response.status} accepted ${data.id}`);
} else {
  console.error(`${response.status} ${error?.error.code}: ${error?.error.message}`);
  for (const issue of error?.error.issues ?? []) console.error(`  ${issue.path}: ${issue.message}`);
  process.exitCode = 1;
}
