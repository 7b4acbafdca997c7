import { formatInteger } from "../format";
import { Alert } from "../ui/alert";
import { Card, CardHeader } from "../ui/card";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import type { ImportMode, ImportReport, ImportResult } from "./import-api";
import { cellProblemsOf, columnsOf, problemsOf } from "./report-problems";
import { SheetGrid } from "./sheet-grid";

/** Rows shown on the page; the report keeps up to 1,000 inline and errors.csv has every one. */
const SHOWN_ROWS = 100;

const linkClass = "font-medium text-indigo-700 hover:underline dark:text-indigo-400";

/** What happened, in one sentence a planner can act on. */
function Outcome({ report, dryRun, mode }: { report: ImportReport; dryRun: boolean; mode: ImportMode }) {
  const rows = (count: number) => `${formatInteger(count)} row${count === 1 ? "" : "s"}`;
  if (dryRun) {
    return report.invalid === 0 ? (
      <Alert tone="success" title={`All ${rows(report.total)} are valid`}>
        Dry run: nothing was written. Import the file to load them.
      </Alert>
    ) : (
      <Alert tone="warning" title={`${rows(report.invalid)} of ${formatInteger(report.total)} would be refused`}>
        Dry run: nothing was written.{" "}
        {mode === "valid-rows" ? `Importing now would load the ${rows(report.valid)} that are valid.` : "All or nothing: fix these rows (or import the valid rows only) before importing."}
      </Alert>
    );
  }
  if (report.invalid === 0) return <Alert tone="success" title={`Imported ${rows(report.imported)}`}>Every row was valid.</Alert>;
  return report.imported === 0 ? (
    <Alert tone="error" title="Nothing was imported">
      {rows(report.invalid)} of {formatInteger(report.total)} are invalid{mode === "all-or-nothing" ? ", and the import is all or nothing: the database is as it was." : "."}
    </Alert>
  ) : (
    <Alert tone="warning" title={`Imported ${rows(report.imported)}; ${rows(report.invalid)} left out`}>
      The invalid rows are listed below.
    </Alert>
  );
}

/** An import's report: totals, each problem by row and column, the offending cells highlighted, and the full list to download. */
export function ImportReportView({ report, dryRun, mode, errorsUrl }: { report: ImportReport; dryRun: boolean; mode: ImportMode; errorsUrl: string | null }) {
  // A dry run writes nothing (its `imported` is 0); what it would write is its breakdown.
  const wouldImport = report.created + report.updated + report.unchanged;
  const figures: [string, number][] = [
    ["Rows read", report.total],
    ["Valid", report.valid],
    ["Invalid", report.invalid],
    dryRun ? ["Would be imported", wouldImport] : ["Imported", report.imported],
  ];
  const shown = report.errors.slice(0, SHOWN_ROWS);
  const problems = shown.flatMap(problemsOf);
  const columns = columnsOf(shown);
  const hasSheets = shown.some((entry) => entry.sheet);
  const cellProblem = cellProblemsOf(problems);
  const download = errorsUrl && report.invalid > 0 ? (
    <a href={errorsUrl} download className={linkClass}>
      Download every error (CSV)
    </a>
  ) : null;

  return (
    <div className="space-y-6">
      <Card aria-labelledby="import-report-title">
        <CardHeader titleId="import-report-title" title={dryRun ? "Dry run report" : "Import report"} />
        <div className="space-y-4 px-5 py-5">
          <Outcome report={report} dryRun={dryRun} mode={mode} />
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="import-totals">
            {figures.map(([label, value]) => (
              <div key={label} className="rounded-lg bg-slate-50 px-4 py-3 dark:bg-slate-800/50">
                <dt className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</dt>
                <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums dark:text-white">{formatInteger(value)}</dd>
              </div>
            ))}
          </dl>
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="import-breakdown">
            {dryRun
              ? `An import would add ${formatInteger(report.created)} new, change ${formatInteger(report.updated)} and leave ${formatInteger(report.unchanged)} already as stored.`
              : `${formatInteger(report.created)} new, ${formatInteger(report.updated)} changed, ${formatInteger(report.unchanged)} already as stored (not written again).`}
          </p>
        </div>
      </Card>

      {report.errors.length > 0 ? (
        <Card aria-labelledby="import-errors-title">
          <CardHeader
            titleId="import-errors-title"
            as="h3"
            title="Errors"
            description={
              report.invalid > shown.length
                ? `The first ${formatInteger(shown.length)} of ${formatInteger(report.invalid)} invalid rows; the download has every one.`
                : `${formatInteger(report.invalid)} invalid row${report.invalid === 1 ? "" : "s"}, numbered as the spreadsheet shows them (row 1 is the header).`
            }
            actions={download}
          />
          <Table caption="Errors by row and column">
            <THead>
              <Th align="right">Row</Th>
              {hasSheets ? <Th>Sheet</Th> : null}
              <Th>Column</Th>
              <Th>Value</Th>
              <Th>Problem</Th>
            </THead>
            <TBody>
              {problems.map((problem, index) => (
                <Tr key={`${problem.row}:${index}`}>
                  <Td numeric className="font-medium text-slate-900 dark:text-slate-100">
                    {problem.row}
                  </Td>
                  {hasSheets ? <Td>{problem.sheet ?? ""}</Td> : null}
                  <Td className="font-mono text-xs">{problem.column ?? (problem.field ? `(${problem.field})` : "—")}</Td>
                  <Td className="max-w-48 truncate font-mono text-xs">{problem.value}</Td>
                  <Td className="text-red-800 dark:text-red-300">{problem.message}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {columns.length > 0 ? (
            <div className="border-t border-slate-200 dark:border-slate-800">
              <p className="px-5 pt-4 pb-2 text-sm font-medium text-slate-900 dark:text-slate-100">The invalid rows, offending cells outlined</p>
              <SheetGrid caption="Invalid rows with the offending cells marked" headers={columns} rows={shown.map((entry) => ({ row: entry.row, values: entry.data }))} problem={cellProblem} />
            </div>
          ) : null}
        </Card>
      ) : report.invalid > 0 && download ? (
        <p className="text-sm">{download}</p>
      ) : null}
    </div>
  );
}

/** A completed import run on the shared run panel. */
export function ImportResultView({ result }: { result: ImportResult }) {
  return <ImportReportView report={result.report} dryRun={result.dryRun} mode={result.mode} errorsUrl={result.errorsUrl} />;
}
