import { createHash } from "node:crypto";

/**
 * Failures that differ only in ids, numbers, dates or quoted values are the same problem: the
 * failed-jobs desk groups them by a fingerprint of the normalised message, the job name and the
 * queue. Order matters: ids and dates are replaced before the bare numbers inside them.
 */
const REPLACEMENTS: readonly [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, "<date>"],
  [/\bc[a-z0-9]{20,32}\b/g, "<id>"],
  [/\b(?:0x)?[0-9a-f]{12,}\b/gi, "<hex>"],
  [/"[^"\n]*"|'[^'\n]*'|`[^`\n]*`/g, "<value>"],
  [/\b(?:https?|redis|postgres(?:ql)?):\/\/\S+/gi, "<url>"],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, "<address>"],
  [/-?\b\d+(?:\.\d+)?\b/g, "<n>"],
  [/\s+/g, " "],
];

const MAX_PATTERN_LENGTH = 300;
/**
 * How much of the first line is normalised; a longer line gets the fingerprint of its start. Below
 * the ledger's MAX_FAILED_REASON_LENGTH, so a fingerprint recomputed from the stored reason is the
 * one computed from the full error.
 */
const MAX_SCANNED_LENGTH = 4 * MAX_PATTERN_LENGTH;

/** The message with its variable parts replaced by placeholders, e.g. `Product <id> has only <n> days`. */
export function normaliseFailure(message: string): string {
  // A bounded scan: an error message of megabytes costs no more than a short one.
  let pattern = (message.split("\n", 1)[0] ?? "").slice(0, MAX_SCANNED_LENGTH);
  for (const [expression, placeholder] of REPLACEMENTS) pattern = pattern.replace(expression, placeholder);
  pattern = pattern.trim();
  return pattern.length > MAX_PATTERN_LENGTH ? `${pattern.slice(0, MAX_PATTERN_LENGTH)}…` : pattern;
}

/** A short stable key of (queue, job name, normalised message). */
export function failureFingerprint(queue: string, name: string, message: string): string {
  return createHash("sha256").update(`${queue}\u0000${name}\u0000${normaliseFailure(message)}`).digest("hex").slice(0, 20);
}
