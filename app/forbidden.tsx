import Link from "next/link";

/** Rendered with a 403 status when a signed-in user opens a page their role may not see. */
export default function Forbidden() {
  return (
    <main id="main" className="flex flex-1 flex-col items-center justify-center px-4 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">403</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Admins only</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">This page is for administrators. Your own jobs are under My runs.</p>
      <Link href="/my-runs" className="mt-6 text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-400">
        Go to my runs
      </Link>
    </main>
  );
}
