import { UnrecoverableError } from "bullmq";
import path from "node:path";
import { sqlPool } from "../../lib/db";
import { env } from "../../lib/env";
import { importErrorsPath, importUrls, loadSavedMapping, saveImportReport, saveMapping } from "../../lib/imports/import-store";
import { ImportFileError, importFile } from "../../lib/imports/import-file";
import { UnsupportedFileError } from "../../lib/imports/source";
import { importSourceFile } from "../../lib/imports/import-source-file";
import { UPLOAD_FIRST } from "../../lib/uploads/uploaded-file";
import type { Processor } from "../processor";

/** Progress runs from the validating step (10 %) to the importing step (80 %) as rows are read. */
const READ_FROM = 10;
const READ_TO = 80;

/**
 * Imports an uploaded CSV/TSV/XLSX file into the organisation's data (lib/imports): reads and
 * validates it row by row, writes all of it or none of it (or only the valid rows), and saves the
 * report keyed by the job. A file that cannot be imported as asked fails at once, without retries.
 */
export const importProcessor: Processor<"import"> = {
  async run(job, context) {
    const { entityType, mode, dryRun, sheet } = job.data;
    const { organizationId, ownerId } = context.owner;
    if (!organizationId) throw new UnrecoverableError("The import has no organisation: it must be launched by a user of one");

    await context.step("reading");
    const organization = await context.db.organization.findUnique({ where: { id: organizationId }, select: { name: true } });
    if (!organization) throw new UnrecoverableError(`Organisation ${organizationId} does not exist`);
    const file = await importSourceFile(job.data, { scope: organizationId, home: organizationId, db: context.db });
    if (!file) throw new UnrecoverableError(`The file to import is not an upload of the organisation: ${UPLOAD_FIRST}`);
    const errorsPath = importErrorsPath(organizationId, job.id);

    await context.step("validating");
    const imported = await importFile({
      pool: sqlPool(context.db),
      organizationId,
      organizationName: organization.name,
      entityType,
      filePath: file.path,
      sheet,
      mapping: job.data.mapping,
      savedMapping: job.data.mapping ? null : await loadSavedMapping(organizationId, entityType, { db: context.db }),
      mode,
      dryRun,
      errorsPath,
      signal: context.signal,
      onProgress: async (rowsRead, total, finished) => {
        if (finished) return context.step("importing");
        const read = rowsRead.toLocaleString("en-US");
        if (total === null) return context.progress(READ_FROM, `Read ${read} rows`);
        const percent = READ_FROM + Math.floor(((READ_TO - READ_FROM) * Math.min(rowsRead, total)) / total);
        return context.progress(Math.min(percent, READ_TO - 1), `Read ${read} of about ${total.toLocaleString("en-US")} rows`);
      },
    }).catch((error: unknown) => {
      if (error instanceof UnsupportedFileError || error instanceof ImportFileError) throw new UnrecoverableError(error.message);
      throw error;
    });

    await context.step("report");
    const { outcome } = imported;
    await saveImportReport(
      {
        jobId: job.id,
        organizationId,
        ownerId,
        entityType,
        uploadId: job.data.uploadId ?? null,
        fileName: file.name,
        sheet: imported.detected.format === "xlsx" ? (sheet ?? imported.detected.sheets[0] ?? null) : null,
        mode,
        dryRun,
        mapping: imported.mapping,
        outcome,
        errorCount: imported.errorCount,
        errorsPath: imported.hasErrorFile ? path.relative(path.resolve(env().EXPORT_DIR), errorsPath) : null,
      },
      { db: context.db },
    );
    // The mapping the user chose is proposed for the organisation's next file of this entity type.
    if (job.data.mapping) await saveMapping(organizationId, entityType, job.data.mapping, { db: context.db });
    await context.step("done");
    const urls = importUrls(job.id);
    return {
      success: outcome.invalid === 0,
      report: {
        total: outcome.total,
        valid: outcome.valid,
        invalid: outcome.invalid,
        imported: outcome.imported,
        errors: outcome.errors,
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        errorCount: imported.errorCount,
      },
      entityType,
      dryRun,
      mode,
      errorsUrl: imported.hasErrorFile ? urls.errorsUrl : null,
      reportUrl: urls.reportUrl,
    };
  },
};
