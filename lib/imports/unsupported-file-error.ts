/**
 * A file that cannot be read as CSV, TSV or XLSX. The message says what is wrong in words a user
 * can act on ("the workbook is truncated…"), so it can go unchanged into a 415/422 answer or a
 * failed job's reason.
 */
export class UnsupportedFileError extends Error {
  override name = "UnsupportedFileError";
}
