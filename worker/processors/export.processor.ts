import { UnrecoverableError } from "bullmq";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { sqlPool } from "../../lib/db";
import { env } from "../../lib/env";
import { saveExportFile, organizationExportDir } from "../../lib/exports/export-store";
import { ExportSourceError } from "../../lib/exports/export-entities";
import { writeExport } from "../../lib/exports/write-export";
import { exportFormats } from "../../lib/exports/writers";
import { queueSettings } from "../../lib/jobs/settings";
import type { Processor } from "../processor";

/**
 * Streams the organisation's rows of the entity into a file of the format under EXPORT_DIR, saves
 * the export keyed by the job (a re-run overwrites its own file) and returns where to download it.
 * The file is the owner's until it expires with the export queue's retention.
 */
export const exportProcessor: Processor<"export"> = {
  async run(job, context) {
    const { entity, format, filters } = job.data;
    const { organizationId, ownerId } = context.owner;
    if (!organizationId) throw new UnrecoverableError("The export has no organisation: it must be launched by a user of one");

    await context.step("querying");
    const organization = await context.db.organization.findUnique({ where: { id: organizationId }, select: { name: true } });
    if (!organization) throw new UnrecoverableError(`Organisation ${organizationId} does not exist`);
    const info = exportFormats[format];
    const generatedAt = new Date();
    const directory = organizationExportDir(organizationId);
    await mkdir(directory, { recursive: true });
    const storedName = `${job.id}.${info.extension}`;

    await context.step("writing");
    const written = await writeExport({
      pool: sqlPool(context.db),
      entity,
      format,
      filters,
      organizationId,
      ownerId,
      organizationName: organization.name,
      path: path.join(directory, storedName),
      generatedAt,
      signal: context.signal,
      onProgress: (done, total) => context.progress(30 + Math.floor((65 * done) / Math.max(total, 1)), `Read ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} rows`),
    }).catch((error: unknown) => {
      // What the export names was deleted after it was enqueued: another attempt finds it no more.
      throw error instanceof ExportSourceError ? new UnrecoverableError(error.message) : error;
    });

    const storedPath = path.relative(path.resolve(env().EXPORT_DIR), path.join(directory, storedName));
    const fileName = `${entity}-${generatedAt.toISOString().slice(0, 10)}.${info.extension}`;
    const expiresAt = new Date(generatedAt.getTime() + queueSettings("export").keepCompletedMs);
    const saved = await saveExportFile(
      { jobId: job.id, organizationId, ownerId, entity, format, filters, fileName, storedPath, contentType: info.contentType, rows: written.rows, bytes: written.bytes, expiresAt },
      { db: context.db },
    );
    await context.step("done");
    return {
      success: true,
      exportId: saved.id,
      filePath: storedPath,
      downloadUrl: `/api/v1/exports/${saved.id}/download`,
      rows: written.rows,
      bytes: written.bytes,
      fileName,
      expiresAt: expiresAt.toISOString(),
    };
  },
};
