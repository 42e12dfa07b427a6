import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Cell, CellObject, Feature, Image, Sheet } from 'write-excel-file/node';
import type * as XmlUtilityModule from 'write-excel-file/utility';
import { BULLETIN_MEDIA_TYPES, type BulletinFormat } from '../../shared/api/query-params.js';
import type { Bulletin } from './bulletin.js';
import { LIGHT_LABELS, targetText } from './bulletin.js';

/** The bulletin in one of its three formats, as an HTTP answer with RFC 6266 file names. */

/** The column headings of the ranking, shared by the xlsx sheet 排名 and the csv. */
/** `其中逾期办结`: of the done items, those completed after their due date (the rankings' `lateDone`). */
export const RANKING_HEADERS = ['名次', '单位', '得分', '事项数', '绿灯', '黄灯', '红灯', '办结', '其中逾期办结', '逾期'] as const;
export const OVERDUE_HEADERS = ['事项', '节点', '名称', '责任单位', '截止日期', '逾期天数', '逾期工作日'] as const;
export const KPI_FIXED_HEADERS = ['指标', '所属事项', '计量单位', '目标', '完成值', '序时目标值', '灯色', '各县（市、区）目标'] as const;

/** `attachment; filename="bulletin-2023-06.xlsx"; filename*=UTF-8''%E9%80%9A%E6%8A%A5-2023-06.xlsx` */
export function contentDisposition(disposition: 'attachment' | 'inline', fileName: string, asciiFallback: string): string {
  // RFC 5987 attr-char: encodeURIComponent leaves !'()* alone, which ext-value does not allow.
  const encoded = encodeURIComponent(fileName).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${asciiFallback}"; filename*=UTF-8''${encoded}`;
}

const percent = (score: number) => `${(score * 100).toFixed(1)}%`;

function rankingRows(b: Bulletin): Array<Array<string | number>> {
  return b.ranking.map((r) => [r.rank, r.name, r.score, r.items, r.green, r.yellow, r.red, r.done, r.lateDone, r.overdue]);
}

// ─── csv ─────────────────────────────────────────────────────────────────────

/** RFC 4180 quoting; a text cell that a spreadsheet would take for a formula is prefixed with '. */
function csvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The ranking, UTF-8 with a BOM so that Excel opens the Chinese correctly, CRLF line ends. */
export function bulletinCsv(b: Bulletin): string {
  const rows = rankingRows(b).map((row) => row.map((v, i) => (i === 2 ? percent(v as number) : v)));
  return `\uFEFF${[[...RANKING_HEADERS], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

// ─── xlsx ────────────────────────────────────────────────────────────────────

/** What write-excel-file takes as a file's content in Node (its `Image` type names it; the package exports no alias). */
type FileContent = Image['content'];
type XmlUtility = typeof XmlUtilityModule;

/** Paper size 9 of ECMA-376 (ST_PaperSize): A4, 210 × 297 mm. */
const A4 = 9;
/**
 * The library's README documents `orientation: 'portrait' | 'landscape'`; its 4.1.1 typings name
 * only 'landscape' (portrait being Excel's default). The ranking says portrait explicitly, as the
 * exceljs file did: without the attribute the printer's own default decides.
 */
const PORTRAIT = 'portrait' as unknown as 'landscape';

/**
 * What the library has no option for, through its own extension point (a "feature" transforming
 * each sheet's XML): A4 fitted to one page wide (as many pages tall as needed) and the footer
 * the office prints on every page. The library writes `<pageSetup>` for a sheet with an
 * orientation; the feature adds the fit to its attributes, `fitToPage` (without which Excel ignores
 * the fit) and `<headerFooter>`, each in the place ECMA-376 orders it.
 */
function printLayout(xml: XmlUtility, footer: string): Feature<FileContent> {
  const fitToPage = xml.getSelfClosingTagMarkup('pageSetUpPr', { fitToPage: 1 });
  return {
    files: {
      transform: {
        'xl/worksheets/sheet{id}.xml': {
          transformElementAttributes: (tag, attributes) =>
            tag === 'pageSetup' ? { ...attributes, paperSize: A4, fitToWidth: 1, fitToHeight: 0 } : attributes,
          transform: (content, _sheet, { sheetId }) => {
            const order = xml.getOrderOfSiblings('xl/worksheets/sheet{id}.xml', 'worksheet');
            if (!order) throw new Error('write-excel-file knows no order of a worksheet’s elements');
            if (!xml.findElement(content, 'pageSetup'))
              throw new Error(`sheet${sheetId}.xml has no <pageSetup>: give the sheet its orientation`);
            const sheetPr = xml.findElement(content, 'sheetPr');
            // <pageSetUpPr> is the last child <sheetPr> may have (after tabColor and outlinePr).
            let out = sheetPr
              ? xml.appendMarkupInsideElement(content, sheetPr, fitToPage)
              : xml.insertElementMarkupAccordingToOrderOfSiblings(content, `<sheetPr>${fitToPage}</sheetPr>`, order, 'worksheet');
            const footerXml = `<headerFooter><oddFooter>${xml.sanitizeTextContent(footer)}</oddFooter></headerFooter>`;
            out = xml.insertElementMarkupAccordingToOrderOfSiblings(out, footerXml, order, 'worksheet');
            return out;
          },
        },
      },
    },
  };
}

/**
 * The workbook's author, title and dates (File › Properties), which the library does not write:
 * docProps/core.xml, declared in [Content_Types].xml and related from the package's _rels/.rels.
 */
function coreProperties(xml: XmlUtility, p: { creator: string; title: string; created: Date }): Feature<FileContent> {
  // W3CDTF as Excel writes it: seconds, UTC, no milliseconds.
  const when = p.created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const core =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:creator>${xml.sanitizeTextContent(p.creator)}</dc:creator>` +
    `<dc:title>${xml.sanitizeTextContent(p.title)}</dc:title>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    '</cp:coreProperties>';
  return {
    files: {
      write: { files: () => ({ 'docProps/core.xml': core }) },
      transform: {
        '[Content_Types].xml': {
          insert: () =>
            xml.getSelfClosingTagMarkup('Override', {
              PartName: '/docProps/core.xml',
              ContentType: 'application/vnd.openxmlformats-package.core-properties+xml',
            }),
        },
        '_rels/.rels': {
          insert: () =>
            xml.getSelfClosingTagMarkup('Relationship', {
              Id: 'rId-bulletin-core',
              Type: 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties',
              Target: 'docProps/core.xml',
            }),
        },
      },
    },
  };
}

const heading = (value: string): CellObject => ({ value, fontWeight: 'bold' });

/**
 * The printed footer: the bulletin's title on the left, the cut-off date and 第n页/共m页 on the right.
 * `&` starts a control code in an Excel header or footer (`&P` is the page number), so a title's own
 * `&` is written `&&`.
 */
export function excelFooter(title: string, asOf: string): string {
  return `&L${title.replaceAll('&', '&&')}&R统计截至${asOf}  第&P页/共&N页`;
}

/**
 * Sheets 排名, 逾期事项, 指标; headings on row 1 (bold, frozen) so that the sheets read back as
 * tables; an empty cell where there is nothing to say (a task's own deadline has no 节点, a unit
 * that has not reported has no figure).
 */
export async function bulletinXlsx(b: Bulletin): Promise<Buffer> {
  // Loaded on first use: only the xlsx format needs the writer (about 78 KiB minified with fflate).
  const [{ default: writeExcelFile }, xml] = await Promise.all([import('write-excel-file/node'), import('write-excel-file/utility')]);

  const ranking: Sheet<FileContent> = {
    sheet: '排名',
    data: [
      RANKING_HEADERS.map(heading),
      ...rankingRows(b).map((row) => row.map((v, i): Cell => (i === 2 ? { value: v, format: '0.0%' } : v))),
    ],
    columns: RANKING_HEADERS.map((header, i) => ({ width: i === 1 ? 24 : Math.max(9, header.length * 2 + 1) })),
    stickyRowsCount: 1,
    orientation: PORTRAIT,
  };

  const overdue: Sheet<FileContent> = {
    sheet: '逾期事项',
    data: [
      OVERDUE_HEADERS.map(heading),
      ...b.overdue.map((o) => [o.taskId, o.milestoneId ?? null, o.title, o.units.join('、'), o.dueDate, o.daysOverdue, o.workdaysOverdue]),
    ],
    columns: [8, 10, 40, 30, 12, 10, 10].map((width) => ({ width })),
    stickyRowsCount: 1,
    orientation: 'landscape',
  };

  const kpiHeaders = [...KPI_FIXED_HEADERS, ...b.orgColumns.map((o) => o.name)];
  const kpis: Sheet<FileContent> = {
    sheet: '指标',
    data: [
      kpiHeaders.map(heading),
      ...b.kpis.map((k) => [
        k.name,
        k.taskId,
        k.unit,
        targetText(k.target),
        k.value,
        k.expected === null ? null : Math.round(k.expected * 100) / 100,
        LIGHT_LABELS[k.status],
        k.perOrgTarget ?? null,
        ...b.orgColumns.map((o) => k.byOrg[o.orgId] ?? null),
      ]),
    ],
    columns: kpiHeaders.map((_, i) => ({ width: i === 0 ? 32 : 11 })),
    stickyRowsCount: 1,
    stickyColumnsCount: 1,
    orientation: 'landscape',
  };

  const features = [
    printLayout(xml, excelFooter(b.title, b.asOf)),
    coreProperties(xml, { creator: b.issuer, title: b.title, created: new Date(b.generatedAt) }),
  ];
  return writeExcelFile([ranking, overdue, kpis], { features }).toBuffer();
}

// ─── html ────────────────────────────────────────────────────────────────────

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (v: string | number | null | undefined) => String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const PRINT_CSS = `
@page { size: A4; margin: 18mm 15mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; color: #000; margin: 0 auto; max-width: 180mm; font-size: 11pt; line-height: 1.6; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; font-weight: bold; }
.meta { text-align: center; margin: 0 0 6mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; page-break-inside: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 1mm 1.5mm; text-align: center; }
td.l { text-align: left; }
.note { font-size: 9pt; color: #333; margin-top: 6mm; }
@media screen { body { padding: 12mm; } }
`;

function table(headers: readonly string[], rows: Array<Array<{ v: string | number | null | undefined; left?: boolean }>>): string {
  const head = `<thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const body =
    rows.length === 0
      ? `<tr><td colspan="${headers.length}">无</td></tr>`
      : rows.map((r) => `<tr>${r.map((c) => `<td${c.left ? ' class="l"' : ''}>${esc(c.v)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}<tbody>${body}</tbody></table>`;
}

/** The printable bulletin (A4, print stylesheet), titled with the plan's title and the period. */
export function bulletinHtml(b: Bulletin): string {
  const s = b.summary;
  const asOf = b.asOf.replace(/^(\d{4})-0?(\d{1,2})-0?(\d{1,2})$/, '$1年$2月$3日');
  const lead = `截至${asOf}，${b.planTitle}${b.tasks}项重点工作中，已办结${s.done}项，绿灯${s.green}项，黄灯${s.yellow}项，红灯${s.red}项；逾期未完成的事项和节点${b.overdue.length}个。现将各单位落实情况通报如下。`;
  const ranking = table(
    RANKING_HEADERS,
    b.ranking.map((r) => [
      { v: r.rank },
      { v: r.name, left: true },
      { v: percent(r.score) },
      { v: r.items },
      { v: r.green },
      { v: r.yellow },
      { v: r.red },
      { v: r.done },
      { v: r.lateDone },
      { v: r.overdue },
    ]),
  );
  const overdue = table(
    ['事项', '名称', '责任单位', '截止日期', '逾期工作日'],
    b.overdue.map((o) => [
      { v: o.milestoneId ?? o.taskId },
      { v: o.title, left: true },
      { v: o.units.join('、'), left: true },
      { v: o.dueDate },
      { v: o.workdaysOverdue },
    ]),
  );
  const kpis = table(
    ['指标', '目标', '完成值', '序时目标值', '灯色', '各县（市、区）完成情况'],
    b.kpis.map((k) => [
      { v: `${k.name}（${k.unit}）`, left: true },
      { v: targetText(k.target) },
      { v: k.value ?? '未报' },
      { v: k.expected === null ? '—' : Math.round(k.expected * 100) / 100 },
      { v: LIGHT_LABELS[k.status] },
      {
        v:
          b.orgColumns
            .filter((o) => k.byOrg[o.orgId] !== undefined)
            .map((o) => `${o.name}${k.byOrg[o.orgId]}${k.perOrgTarget === undefined ? '' : `/${k.perOrgTarget}`}`)
            .join('；') || '—',
        left: true,
      },
    ]),
  );
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(b.title)}</title>
<style>${PRINT_CSS}</style>
</head>
<body>
<h1>${esc(b.title)}</h1>
<p class="meta">${esc(b.issuer)}\u3000${esc(b.documentNumber)}\u3000统计截至${esc(b.asOf)}</p>
<p>${esc(lead)}</p>
<h2>一、各单位排名</h2>
${ranking}
<h2>二、逾期事项</h2>
${overdue}
<h2>三、指标完成情况</h2>
${kpis}
<p class="note">说明：得分为各单位牵头、配合事项中绿灯和已办结事项所占比例；灯色按统计截止日判定，序时目标值为按序时进度应完成的数值。本通报由督查督办系统于${esc(b.generatedAt)}生成。</p>
</body>
</html>
`;
}

// ─── the answer ──────────────────────────────────────────────────────────────

export async function renderBulletin(b: Bulletin, format: BulletinFormat): Promise<APIGatewayProxyStructuredResultV2> {
  const name = `通报-${b.period.id}.${format}`;
  const headers: Record<string, string> = {
    'content-type': format === 'xlsx' ? BULLETIN_MEDIA_TYPES.xlsx : `${BULLETIN_MEDIA_TYPES[format]}; charset=utf-8`,
    'content-disposition': contentDisposition(format === 'html' ? 'inline' : 'attachment', name, `bulletin-${b.period.id}.${format}`),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (format === 'xlsx') return { statusCode: 200, headers, isBase64Encoded: true, body: (await bulletinXlsx(b)).toString('base64') };
  if (format === 'csv') return { statusCode: 200, headers, body: bulletinCsv(b) };
  // Opened on its own, the printable page may use its own inline stylesheet and nothing else.
  headers['content-security-policy'] =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return { statusCode: 200, headers, body: bulletinHtml(b) };
}
