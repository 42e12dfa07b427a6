import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImportDraft } from '../../shared/plan/import/index.js';
import { runImportPlan, USAGE, type ImportPlanIo } from '../../scripts/import-plan.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOTICE = 'tests/fixtures/notices/jining-sports-2023.txt';
const NOTICE_BYTES = readFileSync(fileURLToPath(new URL(`../../${NOTICE}`, import.meta.url)));

/** In-memory I/O: files by path, and a record of every read and write. */
function fakeIo(files: Record<string, Uint8Array | NodeJS.ErrnoException> = {}) {
  const out = { stdout: '', stderr: '', reads: [] as string[], writes: new Map<string, string>() };
  const io: ImportPlanIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readFile: async (path) => {
      out.reads.push(path);
      const f = files[path];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      if (f instanceof Error) throw f;
      return f;
    },
    writeFile: async (path, text) => void out.writes.set(path, text),
  };
  return { io, out };
}

describe('npm run import-plan', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const { io, out } = fakeIo();
    expect(await runImportPlan(['--help'], io)).toBe(0);
    expect(out.stdout).toBe(USAGE);
    expect(out.reads).toEqual([]);
  });

  it.each([
    [['--bogus', NOTICE], /unknown option --bogus/],
    [[], /缺少通知文件/],
    [[NOTICE, 'other.txt'], /只能导入一个通知文件/],
    [[NOTICE, '--plan-id', 'Bad Id'], /--plan-id/],
    [[NOTICE, '--check', 'no-such-plan'], /没有计划 “no-such-plan”.*jining-sports-2023/],
  ])('%j exits 2 with the usage, before reading any file', async (argv, message) => {
    const { io, out } = fakeIo({ [NOTICE]: NOTICE_BYTES });
    expect(await runImportPlan(argv, io)).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr).toContain('usage: npm run import-plan');
    expect(out.reads).toEqual([]);
    expect(out.stdout).toBe('');
  });

  it('a missing file, a directory or an undecodable file exit 1 with a Chinese and English message', async () => {
    const cases: Array<[Uint8Array | NodeJS.ErrnoException | undefined, RegExp]> = [
      [undefined, /找不到通知文件：notice\.txt \/ notice file not found/],
      [Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), /是目录，不是通知文件 \/ is a directory/],
      [Object.assign(new Error('EACCES'), { code: 'EACCES' }), /没有权限读取通知文件：notice\.txt \/ permission denied/],
      [new Uint8Array(2048).map((_, i) => (i * 7919) % 256), /无法识别通知文件的编码.*neither UTF-8 nor GB18030/],
      [new TextEncoder().encode('只是一段文字，不是通知。'.repeat(3)), /不像一份工作要点.*does not read as a work-plan notice/],
    ];
    for (const [file, message] of cases) {
      const { io, out } = fakeIo(file === undefined ? {} : { 'notice.txt': file });
      expect(await runImportPlan(['notice.txt'], io)).toBe(1);
      expect(out.stderr).toMatch(message);
      expect(out.stdout).toBe('');
    }
  });

  it('writes the draft JSON to stdout and the summary and review list to stderr', async () => {
    const { io, out } = fakeIo({ [NOTICE]: NOTICE_BYTES });
    expect(await runImportPlan([NOTICE, '--plan-id', 'jining-sports-2023'], io)).toBe(0);
    const doc = ImportDraft.parse(JSON.parse(out.stdout));
    expect(doc.plan.tasks).toHaveLength(27);
    expect(out.stderr).toContain('草稿 jining-sports-2023：6 个部分，27 项事项，17 项指标，3 个节点');
    expect(out.stderr).toMatch(/待审核 \d+ 条：/);
    expect(out.stderr).toContain('[lead-units]');
  });

  it('--out writes the file, and --check adds the differences to stderr and to the draft', async () => {
    const { io, out } = fakeIo({ [NOTICE]: NOTICE_BYTES });
    expect(
      await runImportPlan([NOTICE, '--plan-id', 'jining-sports-2023', '--out', 'draft.json', '--check', 'jining-sports-2023'], io),
    ).toBe(0);
    expect(out.stdout).toBe('');
    const written = JSON.parse(out.writes.get('draft.json')!);
    expect(ImportDraft.safeParse(written).success).toBe(true);
    expect(written.check.kpis.same).toHaveLength(17);
    expect(out.stderr).toContain('核对：草稿 jining-sports-2023 对照现有计划 jining-sports-2023');
    expect(out.stderr).toContain('指标：相同 17，不同 0，草稿缺 6，草稿多 0');
    expect(out.stderr).toContain('草稿已写入 draft.json');
  });

  it('runs as a process: exit codes and streams', () => {
    const tsx = `${ROOT}node_modules/.bin/tsx`;
    const bad = spawnSync(tsx, ['scripts/import-plan.ts', '--nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    const ok = spawnSync(tsx, ['scripts/import-plan.ts', NOTICE], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).kind).toBe('plan-import-draft');
    expect(ok.stderr).toContain('已读取');
  });
});
