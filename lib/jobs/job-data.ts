/**
 * A BullMQ job's data is the queue's payload plus who the job is for: the owner and the
 * organisation ride beside the payload (so any worker process knows them without a database
 * read), but they are never part of it. The one place that puts them there and takes them off.
 */
export interface JobOwner {
  ownerId: string | null;
  organizationId: string | null;
}

/** The job data BullMQ stores: the payload with its owner fields beside it. */
export function withOwner(payload: unknown, owner: JobOwner): Record<string, unknown> {
  return { ...(isRecord(payload) ? payload : {}), ownerId: owner.ownerId, organizationId: owner.organizationId };
}

/** The owner fields of job data; anything that is not an id counts as no owner. */
export function jobOwner(data: unknown): JobOwner {
  const fields = isRecord(data) ? data : {};
  return { ownerId: idOrNull(fields.ownerId), organizationId: idOrNull(fields.organizationId) };
}

/** The payload part of job data, as a client sent it (owner fields off). */
export function jobPayload(data: unknown): unknown {
  if (!isRecord(data)) return data;
  const { ownerId: _ownerId, organizationId: _organizationId, ...payload } = data;
  return payload;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function idOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
