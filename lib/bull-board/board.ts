import path from "node:path";
import { createRequire } from "node:module";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import type { UIConfig } from "@bull-board/api/typings/app";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { QUEUE_KEYS, queueDefinition } from "../jobs/catalog";
import { queueManager as defaultQueueManager, type QueueManager } from "../jobs/queue-manager";

/** Where bull-board lives in the app; its HTML sets <base href> from this. */
export const BULL_BOARD_BASE_PATH = "/admin/queues";

/** The app's mark (components/app-shell.tsx), inlined so the board needs no extra asset route. */
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4f46e5"/><path d="M8 21l5-6 4 3 7-8" fill="none" stroke="white" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>';
const LOGO_URI = `data:image/svg+xml,${encodeURIComponent(LOGO_SVG)}`;

const SYSTEM_SANS = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const SYSTEM_MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

/**
 * The board dressed as part of CapLiquify: our title, mark and indigo accent, the system fonts the
 * app uses (its default Google fonts cannot load offline), and a way back to the app's dashboard.
 */
export const BULL_BOARD_UI_CONFIG: UIConfig = {
  boardTitle: "CapLiquify queues",
  boardLogo: { path: LOGO_URI, width: 32, height: 32 },
  favIcon: { default: LOGO_URI, alternative: LOGO_URI },
  miscLinks: [
    { text: "Back to the dashboard", url: "/queues" },
    { text: "Failed jobs", url: "/failed" },
  ],
  hideDocsLink: true,
  theme: {
    light: { primary: "#4f46e5", "primary-foreground": "#ffffff", ring: "#4f46e5", "font-sans": SYSTEM_SANS, "font-mono": SYSTEM_MONO },
    dark: { primary: "#818cf8", "primary-foreground": "#0f172a", ring: "#818cf8", "font-sans": SYSTEM_SANS, "font-mono": SYSTEM_MONO },
  },
};

export interface BullBoardApp {
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * A Hono app serving bull-board under BULL_BOARD_BASE_PATH for the seven catalogue queues. It
 * reuses the QueueManager's Queue objects, so the board adds no Redis connections of its own.
 * Access control is not here: the route handler checks every request before it reaches the board.
 */
export function createBullBoardApp({ queues = defaultQueueManager() }: { queues?: QueueManager } = {}): BullBoardApp {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_BASE_PATH);
  createBullBoard({
    queues: QUEUE_KEYS.map((key) => {
      const definition = queueDefinition(key);
      return new BullMQAdapter(queues.queue(key), {
        displayName: definition.label,
        description: definition.description,
        // bull-board's job view links to the app's own job page (timeline, ledger history).
        externalJobUrl: (job) => ({ displayText: "Open in CapLiquify", href: `/queues/${key}/jobs/${encodeURIComponent(String(job.id))}` }),
      });
    }),
    serverAdapter,
    // Resolved here rather than by bull-board's own eval'd require.resolve, which a bundler hides.
    options: { uiBasePath: uiPackageDir(), uiConfig: BULL_BOARD_UI_CONFIG },
  });
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.get("content-type")?.includes("text/html")) return;
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    c.res = new Response((await c.res.text()).replace(GOOGLE_FONTS_LINK, ""), { status: c.res.status, headers });
  });
  return app.route(BULL_BOARD_BASE_PATH, serverAdapter.registerPlugin());
}

/**
 * bull-board's page links IBM Plex from Google Fonts. The board wears the system fonts (the theme
 * above) and the Content-Security-Policy (next.config.mjs) allows no third-party stylesheet, so
 * the link is dropped rather than left for the browser to block and report.
 */
const GOOGLE_FONTS_LINK = /<link href="https:\/\/fonts\.googleapis\.com\/[^"]*" rel="stylesheet">\s*/;

function uiPackageDir(): string {
  const require = createRequire(path.join(process.cwd(), "package.json"));
  return path.dirname(require.resolve("@bull-board/ui/package.json"));
}

const globalBoard = globalThis as unknown as { __capliquifyBullBoard?: BullBoardApp };

/** One board per process, built on first use (Next dev reloads reuse it). */
export function bullBoard(): BullBoardApp {
  globalBoard.__capliquifyBullBoard ??= createBullBoardApp();
  return globalBoard.__capliquifyBullBoard;
}
