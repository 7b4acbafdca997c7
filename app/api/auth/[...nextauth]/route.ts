import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { throttledAsTooManyRequests } from "@/lib/auth/sign-in-errors";

export const dynamic = "force-dynamic";

const handler = async (request: Request, context: { params: Promise<{ nextauth: string[] }> }) =>
  throttledAsTooManyRequests(await NextAuth(authOptions())(request, context));

export { handler as GET, handler as POST };
