/**
 * E.164: a "+", a country code that does not start with 0, at most 15 digits in all. People write
 * numbers with spaces, dashes, dots and brackets ("+49 (151) 1234-5678"); those are dropped, but a
 * number without its country code ("0151…") is refused, since no country can be guessed safely.
 */
const E164 = /^\+[1-9]\d{1,14}$/;
const SEPARATORS = /[\s().-]/g;

export type PhoneCheck = { ok: true; phone: string } | { ok: false; message: string };

export function normalizePhoneNumber(input: string): PhoneCheck {
  const compact = input.trim().replace(SEPARATORS, "");
  if (E164.test(compact)) return { ok: true, phone: compact };
  if (/^\d/.test(compact) || compact.startsWith("00")) return { ok: false, message: "must be in international format with its country code, e.g. +4915112345678" };
  return { ok: false, message: "must be an E.164 number: + and 2 to 15 digits, e.g. +4915112345678" };
}

export function isE164(phone: string): boolean {
  return E164.test(phone);
}
