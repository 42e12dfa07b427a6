/** The notice's bytes are neither UTF-8 nor GB18030 (or are not text at all). */
export class NoticeDecodeError extends Error {
  override readonly name = 'NoticeDecodeError';
}

/** The text does not read as a 工作要点 notice: no numbered sections or items were found. */
export class NoticeFormatError extends Error {
  override readonly name = 'NoticeFormatError';
}

/**
 * The draft built from the notice does not validate against the plan schema. This is a bug of the
 * importer, not of the notice: the importer must always mark what it cannot decide in a form the schema
 * accepts.
 */
export class DraftInvalidError extends Error {
  override readonly name = 'DraftInvalidError';
}
