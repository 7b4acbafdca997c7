import { handleBullBoardRequest } from "@/lib/bull-board/access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET|POST|PUT|PATCH|DELETE /admin/queues/** — the embedded bull-board: page, static files and its API (admin)
const handler = (request: Request) => handleBullBoardRequest(request);

export { handler as GET, handler as HEAD, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
