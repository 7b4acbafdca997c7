import type { Db } from "../db";
import { excerpt } from "../api/errors";
import { organizationIdSchema, type QueueDefinition, type ReferenceKind, type Role, type SubjectKind } from "./catalog";
import { findReferenceOrganizations, referenceLabel } from "./references";
import { findSubjectOrganizations, hasSubjectTable, subjectKindLabel } from "./subjects";

/** What an enqueue request refers to that the payload schema alone cannot judge. */
export interface PayloadIssue {
  path: PropertyKey[];
  message: string;
}

export type ScopeFailure = { ok: false; code: "forbidden"; message: string } | { ok: false; code: "invalid-payload"; issues: PayloadIssue[] };

export type JobScope = { ok: true; organizationId: string; payload: unknown } | ScopeFailure;

export interface Caller {
  id: string;
  role: Role;
  organizationId: string;
}

const DEFAULT_ORGANIZATION_PATH = ["organizationId"] as const;

/** The organisation a referenced row belongs to; null when no such row exists. */
type Owned = { organizationId: string } | null;

/**
 * Subjects seen to exist, for a few seconds, across requests: every launch about a product would
 * otherwise look the product up again, and a planner launches many runs about the same few.
 * Only rows that exist are kept (a product created a moment ago is never refused from here), and a
 * row's organisation never changes; a product deleted meanwhile is accepted for at most the TTL
 * and its run then fails in the worker, as every run did before this check.
 */
const SUBJECT_TTL_MS = 10_000;
const recentSubjects = new Map<string, { row: { organizationId: string }; expires: number }>();

/**
 * The rows an enqueue request names (its subject, users, organisations), looked up once each and
 * kept for the request. A bulk enqueue preloads every job's references in one query per kind, so
 * 10,000 jobs cost three queries rather than 30,000.
 */
export class References {
  private readonly subjects = new Map<string, Promise<Owned>>();
  private readonly users = new Map<string, Promise<Owned>>();
  private readonly organizations = new Map<string, Promise<boolean>>();
  private readonly businessRows = new Map<string, Promise<Owned>>();

  constructor(readonly db: Db) {}

  /** The subject row, or null when it does not exist; only for kinds with a table (`hasSubjectTable`). */
  subject(kind: SubjectKind, id: string): Promise<Owned> {
    const key = `${kind}\n${id}`;
    const recent = recentSubjects.get(key);
    if (recent && recent.expires > Date.now()) return Promise.resolve(recent.row);
    return this.cached(this.subjects, key, async () => {
      const row = (await findSubjectOrganizations(kind, [id], this.db)).get(id) ?? null;
      if (row) {
        if (recentSubjects.size > 10_000) recentSubjects.clear();
        recentSubjects.set(key, { row, expires: Date.now() + SUBJECT_TTL_MS });
      }
      return row;
    });
  }

  /** A business row the payload names beside its subject (the catalogue's `references`), or null when it does not exist. */
  reference(kind: ReferenceKind, id: string): Promise<Owned> {
    return this.cached(this.businessRows, `${kind}\n${id}`, async () => (await findReferenceOrganizations(kind, [id], this.db)).get(id) ?? null);
  }

  user(id: string): Promise<Owned> {
    return this.cached(this.users, id, async () => (await findSubjectOrganizations("user", [id], this.db)).get(id) ?? null);
  }

  organizationExists(id: string): Promise<boolean> {
    return this.cached(this.organizations, id, async () => (await this.db.organization.findUnique({ where: { id }, select: { id: true } })) !== null);
  }

  /** Looks up every reference of these payloads at once: one query per kind present. */
  async preload(definition: QueueDefinition, jobs: readonly { raw: unknown; payload: unknown }[]): Promise<void> {
    const subject = definition.subject;
    const subjectIds = new Set<string>();
    const userIds = new Set<string>();
    const organizationIds = new Set<string>();
    const referenceIds = new Map<ReferenceKind, Set<string>>();
    const organizationPath = definition.organizationPath ?? DEFAULT_ORGANIZATION_PATH;
    for (const { raw, payload } of jobs) {
      const subjectId = checksSubject(definition) ? subject!.id(payload) : undefined;
      if (subjectId) subjectIds.add(subjectId);
      const userId = (payload as { userId?: unknown }).userId;
      if (typeof userId === "string" && definition.payloadUser) userIds.add(userId);
      const organizationId = organizationIdSchema.safeParse(valueAt(raw, organizationPath));
      if (organizationId.success) organizationIds.add(organizationId.data);
      for (const reference of definition.references?.(payload) ?? []) {
        if (reference.id !== undefined) referenceIds.set(reference.kind, (referenceIds.get(reference.kind) ?? new Set()).add(reference.id));
      }
    }
    const [subjects, users, organizations] = await Promise.all([
      subject && subjectIds.size > 0 ? findSubjectOrganizations(subject.kind, [...subjectIds], this.db) : new Map<string, { organizationId: string }>(),
      userIds.size > 0 ? findSubjectOrganizations("user", [...userIds], this.db) : new Map<string, { organizationId: string }>(),
      organizationIds.size > 0
        ? this.db.organization.findMany({ where: { id: { in: [...organizationIds] } }, select: { id: true } })
        : Promise.resolve([]),
    ]);
    if (subject) for (const id of subjectIds) this.subjects.set(`${subject.kind}\n${id}`, Promise.resolve(subjects.get(id) ?? null));
    for (const id of userIds) this.users.set(id, Promise.resolve(users.get(id) ?? null));
    const existing = new Set(organizations.map((row) => row.id));
    for (const id of organizationIds) this.organizations.set(id, Promise.resolve(existing.has(id)));
    await Promise.all(
      [...referenceIds].map(async ([kind, ids]) => {
        const found = await findReferenceOrganizations(kind, [...ids], this.db);
        for (const id of ids) this.businessRows.set(`${kind}\n${id}`, Promise.resolve(found.get(id) ?? null));
      }),
    );
  }

  private cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let value = cache.get(key);
    if (!value) cache.set(key, (value = load()));
    return value;
  }
}

/**
 * Which organisation a job works for, and whether what its data names exists and may be named by
 * the caller. The run's subject (a product, a user…) must exist wherever its kind has a table, so
 * a job about nothing is refused here instead of failing in the worker. The organisation is the
 * caller's unless an admin names another (or the subject's, for a run about another
 * organisation's product or user); a planner may name only their own organisation, its subjects,
 * and, as `userId`, only themselves. Returns the payload with the organisation filled in where the
 * queue keeps it in its data.
 */
export async function resolveJobScope(
  definition: QueueDefinition,
  raw: unknown,
  payload: unknown,
  caller: Caller,
  { db, references = new References(db) }: { db: Db; references?: References },
): Promise<JobScope> {
  const organizationPath = definition.organizationPath ?? DEFAULT_ORGANIZATION_PATH;
  const named = await namedOrganization(valueAt(raw, organizationPath), organizationPath, caller, references);
  if (!named.ok) return named;
  let organizationId = named.organizationId ?? caller.organizationId;
  // Whether a row already set the organisation (the data naming it, the subject, a reference): a
  // later row of another organisation then contradicts it instead of choosing it.
  let settled = named.organizationId !== undefined;

  // A planner may name their own organisation's subjects only: another's is refused as unknown,
  // confirming nothing about it. An admin operates every organisation, so the run (its results,
  // its events) is the subject's organisation's, unless the data names another organisation,
  // which the subject then has to belong to.
  const subject = definition.subject;
  const subjectId = checksSubject(definition) ? subject!.id(payload) : undefined;
  if (subject && subjectId) {
    const path = subject.field ? [subject.field] : [];
    const row = await references.subject(subject.kind, subjectId);
    const unknown = `no ${subjectKindLabel(subject.kind).toLowerCase()} with id "${excerpt(subjectId)}"`;
    if (!row) return { ok: false, code: "invalid-payload", issues: [{ path, message: unknown }] };
    if (row.organizationId !== organizationId) {
      if (caller.role !== "ADMIN") return { ok: false, code: "invalid-payload", issues: [{ path, message: unknown }] };
      if (named.organizationId !== undefined) {
        return { ok: false, code: "invalid-payload", issues: [{ path, message: `${subject.kind} "${excerpt(subjectId)}" belongs to another organisation than the one the data names` }] };
      }
      organizationId = row.organizationId;
    }
    settled = true;
  }

  // Business rows the data names besides the subject follow the same rules: another
  // organisation's is unknown to a planner; for an admin it chooses the organisation, unless one
  // is already set.
  const namedReferences = (definition.references?.(payload) ?? []).filter((reference) => reference.id !== undefined);
  const rows = await Promise.all(namedReferences.map((reference) => references.reference(reference.kind, reference.id!)));
  const issues: PayloadIssue[] = [];
  namedReferences.forEach((reference, index) => {
    const row = rows[index];
    const id = excerpt(reference.id!);
    const path = [...reference.path];
    if (!row || (row.organizationId !== organizationId && caller.role !== "ADMIN")) {
      issues.push({ path, message: `no ${referenceLabel(reference.kind)} with id "${id}"` });
    } else if (row.organizationId !== organizationId) {
      if (settled) issues.push({ path, message: `${referenceLabel(reference.kind)} "${id}" belongs to another organisation than the rest of the data` });
      else organizationId = row.organizationId;
    }
    if (row) settled = true;
  });
  if (issues.length > 0) return { ok: false, code: "invalid-payload", issues };

  const userId = (payload as { userId?: unknown }).userId;
  if (typeof userId === "string" && definition.payloadUser) {
    const mayNameAnyone = caller.role === "ADMIN";
    if (definition.payloadUser === "caller" && userId !== caller.id) {
      if (!mayNameAnyone) {
        return { ok: false, code: "forbidden", message: "userId must be your own user id: a job always runs as the caller (leave userId out)" };
      }
      const user = await references.user(userId);
      if (user?.organizationId !== organizationId) return noSuchUser("no such user in the organisation");
    }
    if (definition.payloadUser === "recipient") {
      const user = await references.user(userId);
      if (!user) return noSuchUser("no such user");
      const required = named.organizationId ?? (mayNameAnyone ? undefined : caller.organizationId);
      if (required !== undefined && user.organizationId !== required) return noSuchUser("no such user in the organisation");
      organizationId = user.organizationId;
    }
  }

  const filled = definition.organizationPath ? withValueAt(payload, definition.organizationPath, organizationId) : payload;
  return { ok: true, organizationId, payload: filled };
}

/**
 * Whether the subject is looked up here: its kind has a table (uploads, integrations and reports
 * have none yet), and it is not a notification's recipient, which the `userId` rules below check
 * (any existing user, whose organisation the run then works for).
 */
function checksSubject(definition: QueueDefinition): boolean {
  const subject = definition.subject;
  if (!subject || !hasSubjectTable(subject.kind)) return false;
  return !(subject.kind === "user" && definition.payloadUser === "recipient");
}

async function namedOrganization(
  value: unknown,
  path: readonly string[],
  caller: Caller,
  references: References,
): Promise<{ ok: true; organizationId?: string } | ScopeFailure> {
  if (value === undefined) return { ok: true };
  const parsed = organizationIdSchema.safeParse(value);
  if (!parsed.success) return { ok: false, code: "invalid-payload", issues: parsed.error.issues.map((issue) => ({ path: [...path], message: issue.message })) };
  const organizationId = parsed.data;
  if (organizationId === caller.organizationId) return { ok: true, organizationId };
  if (caller.role !== "ADMIN") {
    return { ok: false, code: "forbidden", message: `${path.join(".")} must be your own organisation: jobs work for the caller's organisation` };
  }
  if (!(await references.organizationExists(organizationId))) return { ok: false, code: "invalid-payload", issues: [{ path: [...path], message: "no such organisation" }] };
  return { ok: true, organizationId };
}

function noSuchUser(message: string): ScopeFailure {
  return { ok: false, code: "invalid-payload", issues: [{ path: ["userId"], message }] };
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function withValueAt(value: unknown, path: readonly string[], leaf: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return leaf;
  const object = (value ?? {}) as Record<string, unknown>;
  return { ...object, [key]: withValueAt(object[key], rest, leaf) };
}
