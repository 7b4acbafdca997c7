import bcrypt from "bcryptjs";

const COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/**
 * A hash of the same cost as real ones, of a password nobody knows: checking a password for an
 * unknown email against it takes as long as for a known one, so the answer's timing does not tell
 * which emails have accounts.
 */
const UNKNOWN_ACCOUNT_HASH = "$2b$10$VrOB2U1CAF0Wa8Dr2C97pO/Grs5rPQRQaCWafbYP5OzLOtxuO3SaS";

/** Checks a password against the account's hash, or spends the same time and fails when there is no account. */
export async function verifyAccountPassword(password: string, hash: string | undefined): Promise<boolean> {
  const matches = await verifyPassword(password, hash ?? UNKNOWN_ACCOUNT_HASH);
  return hash !== undefined && matches;
}
