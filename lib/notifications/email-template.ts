import type { Delivery } from "./channel";
import type { NotificationEvent } from "./events";

/**
 * One template per event, rendered to both an HTML and a text body from the same parts, so the
 * two never say different things. Everything the user or a job wrote is escaped in the HTML.
 */
interface TemplateParts {
  /** The line above the title. */
  lead: string;
  /** The button's label. */
  action: string;
}

const TEMPLATES: Record<NotificationEvent | "message", TemplateParts> = {
  "job-finished": { lead: "Your job has finished.", action: "See the result" },
  "job-failed": { lead: "Your job failed.", action: "See what went wrong" },
  "queue-alert": { lead: "A queue needs attention.", action: "Open the queue" },
  "report-ready": { lead: "Your report is ready.", action: "Open the report" },
  "import-report": { lead: "Your import has finished.", action: "See the import report" },
  message: { lead: "A message from CapLiquify.", action: "Open CapLiquify" },
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);
}

export function renderEmail(delivery: Delivery): RenderedEmail {
  const parts = TEMPLATES[delivery.event ?? "message"];
  const open = delivery.links.open;
  const optOut = delivery.links.optOut;
  const greeting = delivery.recipient.name ? `Hello ${delivery.recipient.name},` : "Hello,";
  const text = [
    greeting,
    "",
    parts.lead,
    "",
    delivery.title,
    delivery.message,
    ...(open ? ["", `${parts.action}: ${open.url}`] : []),
    ...(optOut ? ["", "--", `You receive this because it is on in your notification settings. Turn these emails off: ${optOut}`] : []),
  ].join("\n");
  const html = `<!doctype html>
<html><body style="font-family:system-ui,sans-serif;color:#111">
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(parts.lead)}</p>
<h2 style="font-size:18px">${escapeHtml(delivery.title)}</h2>
<p style="white-space:pre-wrap">${escapeHtml(delivery.message)}</p>
${open ? `<p><a href="${escapeHtml(open.url)}" style="background:#2563eb;color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none">${escapeHtml(parts.action)}</a></p>` : ""}
${optOut ? `<hr><p style="font-size:12px;color:#555">You receive this because it is on in your notification settings. <a href="${escapeHtml(optOut)}">Turn these emails off</a>.</p>` : ""}
</body></html>`;
  return { subject: delivery.title, html, text };
}
