/**
 * The plan importer: a 工作要点 notice's text in, a draft plan and its review list out. The CLI
 * (scripts/import-plan.ts) and, later, an office endpoint call `importNotice`; `checkDraft` diffs a
 * draft against a plan of the catalog.
 */
export { importNotice } from './draft.js';
export { checkDraft, formatCheckReport, type CheckReport, type FieldDiff, type KpiRef } from './check.js';
export { decodeNotice, type DecodedNotice, type NoticeEncoding } from './decode.js';
export { DraftInvalidError, NoticeDecodeError, NoticeFormatError } from '../errors.js';
export { ImportDraft, ImportOptions, KpiNote, ReviewItem, ReviewTopic } from './schema.js';
export { PLACEHOLDER } from './review.js';
