import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { isQueueKey, QUEUE_KEYS, queueDefinition, type QueueKey, type SubjectKind } from "./catalog";

/**
 * The subject registry: per subject kind, how the read side names a run's subject (the ledger's
 * business key) and how a search text finds subjects. Queues only declare their subject's kind in
 * the catalogue; job pages, run search, My runs and notifications ask this module, so a kind that
 * gets a table of its own gets its resolver and search here, in one place, and nowhere else.
 * Server-only: it reads the database. The browser receives the `Subject` the API resolved.
 */

/** What a run is about, as the read side shows it. */
export interface Subject {
  kind: SubjectKind;
  /** The kind in words, e.g. "Product". */
  kindLabel: string;
  /** The run's business key. */
  id: string;
  /** How people name it: a product's SKU, a user's name; the id itself where the kind has no table or the row is not found. */
  label: string;
  /** A second line: a product's name, a user's email; null when there is none. */
  detail: string | null;
  /** The runs about this subject in the ledger search (an admin page), which finds a subject by its id (a product or user by its row's). */
  href: string;
}

interface SubjectRow {
  label: string;
  detail: string | null;
  /** The organisation the row belongs to, so a planner is only shown their own organisation's. */
  organizationId: string;
}

interface SubjectSource {
  kindLabel: string;
  /** The rows of `ids` that exist, in one query. Left out: the kind has no table, and its subjects are shown as their ids. */
  resolve?(ids: readonly string[], db: Db): Promise<Map<string, SubjectRow>>;
  /**
   * Ids of the existing subjects a search text names, its exact id included, of one organisation
   * when given (so a search narrowed to it is not crowded out by others' matches). Left out: the
   * text is taken as an id.
   */
  search?(text: string, db: Db, organizationId: string | undefined): Promise<string[]>;
}

/** How many subjects one search text may name before it is too vague to be useful. */
const MAX_MATCHES = 500;

/** `%` and `_` typed by a user are literal characters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

async function rowsById(db: Db, sql: string, ids: readonly string[]): Promise<Map<string, SubjectRow>> {
  const { rows } = await sqlPool(db).query<SubjectRow & { id: string }>(sql, [ids]);
  return new Map(rows.map(({ id, ...row }) => [id, row]));
}

async function idsOf(db: Db, sql: string, values: unknown[]): Promise<string[]> {
  const { rows } = await sqlPool(db).query<{ id: string }>(sql, values);
  return rows.map((row) => row.id);
}

/** Users with this id, or whose email or name contains the text (case-insensitive): user subjects, and run owners in the search. */
export function searchUsers(text: string, { db = defaultDb(), organizationId }: { db?: Db; organizationId?: string } = {}): Promise<string[]> {
  return idsOf(
    db,
    `SELECT "id" FROM "User" WHERE ("id" = $1 OR "email" ILIKE $2 OR "name" ILIKE $2) AND ($3::text IS NULL OR "organizationId" = $3) LIMIT ${MAX_MATCHES}`,
    [text, likePattern(text), organizationId ?? null],
  );
}

const SOURCES: Record<SubjectKind, SubjectSource> = {
  product: {
    kindLabel: "Product",
    resolve: (ids, db) =>
      rowsById(db, `SELECT "id", "sku" AS "label", "name" AS "detail", "organizationId" FROM "Product" WHERE "id" = ANY($1::text[])`, ids),
    search: (text, db, organizationId) =>
      idsOf(
        db,
        `SELECT "id" FROM "Product"
          WHERE ("id" = $1 OR lower("sku") = lower($1) OR "name" ILIKE $2 OR "sku" ILIKE $2) AND ($3::text IS NULL OR "organizationId" = $3)
          LIMIT ${MAX_MATCHES}`,
        [text, likePattern(text), organizationId ?? null],
      ),
  },
  user: {
    kindLabel: "User",
    resolve: (ids, db) =>
      rowsById(db, `SELECT "id", "name" AS "label", "email" AS "detail", "organizationId" FROM "User" WHERE "id" = ANY($1::text[])`, ids),
    search: (text, db, organizationId) => searchUsers(text, { db, organizationId }),
  },
  // No table; shown as its id, and found by its exact id. A kind whose table arrives gets its
  // `resolve` and `search` here; nothing else in the read side changes.
  upload: { kindLabel: "Upload" },
  integration: { kindLabel: "Integration" },
  report: { kindLabel: "Report" },
};

/** Whether subjects of this kind are rows of a table of ours, so their existence can be checked. */
export function hasSubjectTable(kind: SubjectKind): boolean {
  return SOURCES[kind].resolve !== undefined;
}

export function subjectKindLabel(kind: SubjectKind): string {
  return SOURCES[kind].kindLabel;
}

/**
 * The organisation of each existing subject of `ids`, in one query; an empty map for a kind with no
 * table. What the enqueue checks against the caller (lib/jobs/job-scope.ts).
 */
export async function findSubjectOrganizations(kind: SubjectKind, ids: readonly string[], db: Db = defaultDb()): Promise<Map<string, { organizationId: string }>> {
  const rows = (await SOURCES[kind].resolve?.(ids, db)) ?? new Map<string, SubjectRow>();
  return new Map([...rows].map(([id, row]) => [id, { organizationId: row.organizationId }]));
}

/** The subject kind of a queue's runs; undefined for a queue that declares none (or a name that is no queue). */
export function subjectKindOf(queue: string): SubjectKind | undefined {
  return isQueueKey(queue) ? queueDefinition(queue).subject?.kind : undefined;
}

/** The queues whose runs are about subjects of `kind`, among `queues`. */
function queuesAbout(kind: SubjectKind, queues: readonly QueueKey[]): QueueKey[] {
  return queues.filter((queue) => subjectKindOf(queue) === kind);
}

export interface SubjectRef {
  queue: string;
  businessKey: string | null;
  /** Name the subject only if it belongs to this organisation (what a planner may see); any when left out. */
  organizationId?: string | null;
}

/**
 * The subject of each run, in order: null where the run's queue declares none or the run has no
 * business key. One query per kind present among the runs, whatever their number.
 */
export async function describeSubjects(refs: readonly SubjectRef[], { db = defaultDb() }: { db?: Db } = {}): Promise<(Subject | null)[]> {
  const kinds = refs.map((ref) => (ref.businessKey ? subjectKindOf(ref.queue) : undefined));
  const idsByKind = new Map<SubjectKind, Set<string>>();
  refs.forEach((ref, index) => {
    const kind = kinds[index];
    if (kind) idsByKind.set(kind, (idsByKind.get(kind) ?? new Set()).add(ref.businessKey!));
  });
  const found = new Map(
    await Promise.all(
      [...idsByKind].map(async ([kind, ids]) => [kind, (await SOURCES[kind].resolve?.([...ids], db)) ?? new Map<string, SubjectRow>()] as const),
    ),
  );
  return refs.map((ref, index) => {
    const kind = kinds[index];
    if (!kind) return null;
    const id = ref.businessKey!;
    const row = found.get(kind)?.get(id);
    const visible = row && (!ref.organizationId || row.organizationId === ref.organizationId) ? row : undefined;
    return {
      kind,
      kindLabel: SOURCES[kind].kindLabel,
      id,
      label: visible?.label ?? id,
      detail: visible?.detail ?? null,
      href: `/jobs?q=${encodeURIComponent(id)}`,
    };
  });
}

/** One run's subject; see `describeSubjects`. */
export async function describeSubject(ref: SubjectRef, deps: { db?: Db } = {}): Promise<Subject | null> {
  const [subject] = await describeSubjects([ref], deps);
  return subject ?? null;
}

export interface SubjectMatch {
  /** The queues whose runs are about the matched subjects. */
  queues: QueueKey[];
  ids: string[];
}

/**
 * The subjects a search text names, as business keys and the queues whose runs are about them: for
 * each kind that is the subject of one of `queues`, what its search finds (one query per kind with a
 * table), or the text itself as an id. A key is only looked for in its own kind's queues, so a
 * report named "products" never makes the search scan forecast runs for that key.
 */
export async function searchSubjects(
  text: string,
  queues: readonly QueueKey[] = QUEUE_KEYS,
  { db = defaultDb(), organizationId }: { db?: Db; organizationId?: string } = {},
): Promise<SubjectMatch[]> {
  const kinds = (Object.entries(SOURCES) as [SubjectKind, SubjectSource][])
    .map(([kind, source]) => ({ source, queues: queuesAbout(kind, queues) }))
    .filter((kind) => kind.queues.length > 0);
  const searched = await Promise.all(
    kinds.filter(({ source }) => source.search).map(async ({ source, queues: about }) => ({ queues: about, ids: await source.search!(text, db, organizationId) })),
  );
  const byId = kinds.filter(({ source }) => !source.search).flatMap((kind) => kind.queues);
  return [...searched.filter((match) => match.ids.length > 0), ...(byId.length > 0 ? [{ queues: byId, ids: [text] }] : [])];
}
