/**
 * Imports a 工作要点 notice as a draft plan for the supervision office to review.
 *
 *   npm run import-plan -- notice.txt [--plan-id ID] [--out FILE] [--check PLAN_ID]
 *
 * Reads the notice as plain text (UTF-8 or GB18030) and writes the draft as JSON (to --out, or to
 * stdout): the plan, which validates like a hand-written one, plus the review list of what the notice
 * does not say. Progress, the review list and the --check differences go to stderr.
 * Exit codes: 0 done, 1 the file cannot be read or is not a notice, 2 wrong arguments.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { getPlan, listPlans } from '../shared/plan/catalog.js';
import {
  checkDraft,
  formatCheckReport,
  importNotice,
  NoticeDecodeError,
  NoticeFormatError,
  type CheckReport,
  type ImportDraft,
} from '../shared/plan/import/index.js';
import { Plan } from '../shared/plan/schema.js';
import { errorMessage } from '../shared/errors.js';
import { ImportPlanUsageError, NoticeFileError } from './lib/errors.js';
import { runWhenInvoked } from './lib/cli.js';

export const USAGE = `usage: npm run import-plan -- <notice.txt> [--plan-id ID] [--out FILE] [--check PLAN_ID]

用法：把工作要点通知的全文读成计划草稿和审核清单 / reads a notice into a draft plan and a review list

options:
  <notice.txt>        通知全文（纯文本，UTF-8 或 GB18030） / the notice as plain text
  --plan-id ID        草稿的计划编号（小写字母、数字、连字符） / the draft's planId
  --out FILE          草稿写入该文件，否则输出到标准输出 / write the draft JSON here (default: stdout)
  --check PLAN_ID     与现有计划逐项核对，差异输出到标准错误并写入草稿的 check 字段 / diff against a catalog plan
  --help, -h          显示本说明 / print this help and exit
`;

export interface ImportPlanArgs {
  help: boolean;
  file?: string;
  planId?: string;
  out?: string;
  check?: string;
}

/** Parses the arguments; every usage error is thrown before any file is read. */
export function parseImportPlanArgs(argv: readonly string[]): ImportPlanArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'plan-id': { type: 'string' },
        out: { type: 'string' },
        check: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Named, never quoted with its value: a mistyped command line may carry a secret.
      const unknown = argv.find((a) => a.startsWith('-') && !/^--(plan-id|out|check|help)(=|$)|^-h$/.test(a));
      throw new ImportPlanUsageError(`未知选项 / unknown option ${unknown?.split('=')[0] ?? ''}`.trim());
    }
    throw new ImportPlanUsageError(`参数有误 / invalid arguments: ${errorMessage(err)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length === 0) throw new ImportPlanUsageError('缺少通知文件 / missing <notice.txt>');
  if (positionals.length > 1) throw new ImportPlanUsageError(`只能导入一个通知文件，收到 ${positionals.length} 个 / one notice at a time`);
  const planId = values['plan-id'];
  if (planId !== undefined && !Plan.shape.planId.safeParse(planId).success) {
    throw new ImportPlanUsageError(`--plan-id “${planId}” 只能用 3–64 个小写字母、数字和连字符 / lower-case letters, digits and hyphens`);
  }
  if (values.check !== undefined && !getPlan(values.check)) {
    throw new ImportPlanUsageError(
      `--check：没有计划 “${values.check}”（现有：${listPlans()
        .map((p) => p.planId)
        .join('、')}） / no such plan`,
    );
  }
  return {
    help: false,
    file: positionals[0]!,
    ...(planId ? { planId } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...(values.check ? { check: values.check } : {}),
  };
}

export interface ImportPlanIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<Uint8Array>;
  writeFile: (path: string, text: string) => Promise<void>;
}

const nodeIo: ImportPlanIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
};

async function readNotice(io: ImportPlanIo, file: string): Promise<Uint8Array> {
  try {
    return await io.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NoticeFileError(`找不到通知文件：${file} / notice file not found`);
    if (code === 'EISDIR') throw new NoticeFileError(`${file} 是目录，不是通知文件 / is a directory, not a file`);
    if (code === 'EACCES' || code === 'EPERM') throw new NoticeFileError(`没有权限读取通知文件：${file} / permission denied`);
    throw new NoticeFileError(`无法读取通知文件：${file}（${code ?? errorMessage(err)}） / cannot read the notice`);
  }
}

function summary(draft: ImportDraft, file: string): string[] {
  const { plan } = draft;
  const kpis = plan.tasks.reduce((n, t) => n + t.kpis.length, 0);
  const milestones = plan.tasks.reduce((n, t) => n + t.milestones.length, 0);
  const lines = [
    `已读取 ${file}（${draft.source.encoding === 'gb18030' ? 'GB18030' : 'UTF-8'}）：${plan.title}，${plan.documentNumber}`,
    `草稿 ${plan.planId}：${plan.sections.length} 个部分，${plan.tasks.length} 项事项，${kpis} 项指标，${milestones} 个节点`,
    `待审核 ${draft.review.length} 条：`,
  ];
  draft.review.forEach((r, i) => {
    const refs = r.refs.length > 8 ? `${r.refs.slice(0, 8).join(',')}…（共 ${r.refs.length} 项）` : r.refs.join(',');
    lines.push(`  ${i + 1}. [${r.topic}]${refs ? ` ${refs}` : ''} ${r.message}`);
  });
  return lines;
}

/** Runs the command; returns the exit code. */
export async function runImportPlan(argv: readonly string[], io: ImportPlanIo = nodeIo): Promise<number> {
  let args: ImportPlanArgs;
  try {
    args = parseImportPlanArgs(argv);
  } catch (err) {
    if (!(err instanceof ImportPlanUsageError)) throw err;
    io.stderr(`import-plan: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const bytes = await readNotice(io, args.file!);
    const draft = importNotice(bytes, args.planId ? { planId: args.planId } : {});
    io.stderr(`${summary(draft, args.file!).join('\n')}\n`);
    let check: CheckReport | undefined;
    if (args.check) {
      check = checkDraft(draft.plan, getPlan(args.check)!);
      io.stderr(`${formatCheckReport(check).join('\n')}\n`);
    }
    const json = `${JSON.stringify({ ...draft, ...(check ? { check } : {}) }, null, 2)}\n`;
    if (args.out) {
      await io.writeFile(args.out, json);
      io.stderr(`草稿已写入 ${args.out}。审核后按 README 的 “Importing a plan” 一节把它改写为 shared/plan/plans/<planId>.ts。\n`);
    } else {
      io.stdout(json);
    }
    return 0;
  } catch (err) {
    if (err instanceof NoticeFileError || err instanceof NoticeDecodeError || err instanceof NoticeFormatError) {
      io.stderr(`import-plan: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

runWhenInvoked(import.meta.url, 'import-plan', runImportPlan);
