import type { Principal } from "../auth/principal";
import type { ExportScope } from "./export-store";

/**
 * An export file is its owner's: it can hold a whole organisation's data, picked by one person's
 * filters, so other planners of the organisation do not see it; admins see every export.
 */
export function exportScope(principal: Pick<Principal, "id" | "role">): ExportScope {
  return principal.role === "ADMIN" ? {} : { ownerId: principal.id };
}
