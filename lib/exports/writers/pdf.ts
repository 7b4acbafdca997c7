import PDFDocument from "pdfkit";
import type { ExportColumn, ExportRow } from "../export-entities";
import { openFile } from "./file-stream";
import type { ChartData, ChartPoint, ExportHeading, WriterFactory } from "./types";

// A4 landscape, in points.
const PAGE = { width: 841.89, height: 595.28, margin: 36 };
const ROW_HEIGHT = 14;
const HEADER_HEIGHT = 18;
const FOOTER_HEIGHT = 20;
const CHART_HEIGHT = 170;
const COLORS = { header: "#eef2ff", rule: "#d1d5db", text: "#111827", muted: "#6b7280", history: "#475569", forecast: "#4f46e5", band: "#c7d2fe" };

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatCell(column: ExportColumn, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return column.type === "integer" ? integer.format(value) : decimal.format(value);
  if (column.type === "datetime") return value.replace("T", " ").replace(/:\d\dZ$/, " UTC");
  return value;
}

interface Layout {
  x: number;
  width: number;
  align: "left" | "right";
}

function layoutColumns(columns: readonly ExportColumn[]): Layout[] {
  const weights = columns.map((column) => column.width ?? (column.type === "text" ? 1.4 : 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const usable = PAGE.width - 2 * PAGE.margin;
  let x = PAGE.margin;
  return columns.map((column, index) => {
    const width = (usable * weights[index]) / total;
    const layout: Layout = { x, width, align: column.type === "text" || column.type === "date" || column.type === "datetime" ? "left" : "right" };
    x += width;
    return layout;
  });
}

/**
 * A printable report: a heading (title, organisation, filters, when it was made), then the rows
 * as a table whose header is repeated on every page, page numbers in the footer, and, for an
 * entity with charts (forecasts), each product's history and forecast drawn as vectors above its rows.
 */
export const pdfWriter: WriterFactory = async (path, heading) => {
  const file = await openFile(path);
  const doc = new PDFDocument({ size: "A4", layout: "landscape", margin: PAGE.margin, autoFirstPage: false, info: { Title: heading.title, Author: "CapLiquify", Subject: heading.organization, CreationDate: heading.generatedAt } });
  doc.pipe(file.stream);
  const ended = new Promise<void>((resolve, reject) => {
    file.stream.once("finish", resolve);
    file.stream.once("error", reject);
  });
  // A printed page is read, not re-sorted: the detail columns stay in the other formats.
  const columns = heading.columns.filter((column) => column.pdf !== false);
  const layout = layoutColumns(columns);
  const bottom = PAGE.height - PAGE.margin - FOOTER_HEIGHT;
  let page = 0;
  let y = 0;

  const newPage = async () => {
    // Let the file catch up between pages, so a long report never piles up in memory.
    await file.drained();
    doc.addPage();
    page += 1;
    doc.font("Helvetica").fontSize(8).fillColor(COLORS.muted);
    doc.text(`${heading.title} · ${heading.organization} · page ${page}`, PAGE.margin, PAGE.height - PAGE.margin - 10, { width: PAGE.width - 2 * PAGE.margin, align: "right", lineBreak: false });
    y = PAGE.margin;
  };

  const tableHeader = () => {
    doc.rect(PAGE.margin, y, PAGE.width - 2 * PAGE.margin, HEADER_HEIGHT).fill(COLORS.header);
    doc.font("Helvetica-Bold").fontSize(8.5).fillColor(COLORS.text);
    columns.forEach((column, index) => {
      const cell = layout[index];
      doc.text(column.header, cell.x + 3, y + 5, { width: cell.width - 6, height: HEADER_HEIGHT - 4, align: cell.align, ellipsis: true, lineBreak: false });
    });
    y += HEADER_HEIGHT;
  };

  const ensureRoom = async (height: number, withHeader: boolean) => {
    if (y + height <= bottom) return;
    await newPage();
    if (withHeader) tableHeader();
  };

  await newPage();
  doc.font("Helvetica-Bold").fontSize(18).fillColor(COLORS.text).text(heading.title, PAGE.margin, y);
  doc.font("Helvetica").fontSize(10).fillColor(COLORS.muted);
  doc.text(`${heading.organization} · generated ${heading.generatedAt.toISOString().replace("T", " ").slice(0, 16)} UTC`);
  doc.text(`Filters: ${heading.filters.join(" · ")}`);
  y = doc.y + 10;
  let headerShown = false;

  return {
    async write(row: ExportRow) {
      if (!headerShown) {
        await ensureRoom(HEADER_HEIGHT + ROW_HEIGHT, false);
        tableHeader();
        headerShown = true;
      }
      await ensureRoom(ROW_HEIGHT, true);
      doc.font("Helvetica").fontSize(8.5).fillColor(COLORS.text);
      columns.forEach((column, index) => {
        const cell = layout[index];
        doc.text(formatCell(column, row[column.key]), cell.x + 3, y + 3, { width: cell.width - 6, height: ROW_HEIGHT - 2, align: cell.align, ellipsis: true, lineBreak: false });
      });
      doc.moveTo(PAGE.margin, y + ROW_HEIGHT).lineTo(PAGE.width - PAGE.margin, y + ROW_HEIGHT).lineWidth(0.3).strokeColor(COLORS.rule).stroke();
      y += ROW_HEIGHT;
    },
    async startGroup(title: string, chart: ChartData) {
      await ensureRoom(24 + CHART_HEIGHT + 16 + HEADER_HEIGHT + 3 * ROW_HEIGHT, false);
      y += 8;
      doc.font("Helvetica-Bold").fontSize(11).fillColor(COLORS.text).text(title, PAGE.margin, y, { lineBreak: false });
      y += 18;
      drawChart(doc, chart, { x: PAGE.margin, y, width: PAGE.width - 2 * PAGE.margin, height: CHART_HEIGHT });
      y += CHART_HEIGHT + 16;
      tableHeader();
      headerShown = true;
    },
    async close() {
      doc.end();
      await ended;
    },
    async abort() {
      doc.unpipe(file.stream);
      await file.destroy();
    },
  };
};

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** History as a grey line, the forecast as an indigo line over its shaded interval, with axes and labels. */
function drawChart(doc: PDFKit.PDFDocument, chart: ChartData, box: Box) {
  const points: ChartPoint[] = [...chart.history, ...chart.forecast];
  const plot = { x: box.x + 40, y: box.y + 4, width: box.width - 50, height: box.height - 24 };
  doc.rect(plot.x, plot.y, plot.width, plot.height).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
  if (points.length === 0) {
    doc.font("Helvetica").fontSize(9).fillColor(COLORS.muted).text("No data to draw", plot.x, plot.y + plot.height / 2 - 5, { width: plot.width, align: "center" });
    return;
  }
  const first = dayNumber(points[0].date);
  const last = Math.max(first + 1, dayNumber(points[points.length - 1].date));
  const top = Math.max(1, ...points.map((point) => Math.max(point.value, point.upper ?? point.value)));
  const sx = (date: string) => plot.x + ((dayNumber(date) - first) / (last - first)) * plot.width;
  const sy = (value: number) => plot.y + plot.height - (Math.max(0, value) / top) * plot.height;

  const band = chart.forecast.filter((point) => point.lower !== null && point.lower !== undefined && point.upper !== null && point.upper !== undefined);
  if (band.length > 1) {
    doc.moveTo(sx(band[0].date), sy(band[0].upper!));
    for (const point of band.slice(1)) doc.lineTo(sx(point.date), sy(point.upper!));
    for (const point of [...band].reverse()) doc.lineTo(sx(point.date), sy(point.lower!));
    doc.closePath().fillOpacity(0.6).fill(COLORS.band).fillOpacity(1);
  }
  const line = (series: ChartPoint[], color: string, width: number) => {
    if (series.length === 0) return;
    doc.moveTo(sx(series[0].date), sy(series[0].value));
    for (const point of series.slice(1)) doc.lineTo(sx(point.date), sy(point.value));
    doc.lineWidth(width).strokeColor(color).stroke();
  };
  line(chart.history, COLORS.history, 0.8);
  line(chart.forecast, COLORS.forecast, 1.4);

  doc.font("Helvetica").fontSize(7.5).fillColor(COLORS.muted);
  doc.text(integer.format(top), box.x, plot.y - 3, { width: 36, align: "right", lineBreak: false });
  doc.text("0", box.x, plot.y + plot.height - 5, { width: 36, align: "right", lineBreak: false });
  doc.text(points[0].date, plot.x, plot.y + plot.height + 4, { lineBreak: false });
  doc.text(points[points.length - 1].date, plot.x + plot.width - 60, plot.y + plot.height + 4, { width: 60, align: "right", lineBreak: false });
  if (chart.forecast.length > 0) doc.text(`forecast from ${chart.forecast[0].date}`, sx(chart.forecast[0].date) - 40, plot.y + plot.height + 4, { width: 120, align: "center", lineBreak: false });
  // Legend.
  const legendX = plot.x + 8;
  doc.rect(legendX, plot.y + 8, 10, 2).fill(COLORS.history);
  doc.fillColor(COLORS.muted).text("Sales", legendX + 14, plot.y + 5, { lineBreak: false });
  doc.rect(legendX + 50, plot.y + 8, 10, 2).fill(COLORS.forecast);
  doc.fillColor(COLORS.muted).text("Forecast (80 % interval shaded)", legendX + 64, plot.y + 5, { lineBreak: false });
}
