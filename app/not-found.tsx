import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="flex flex-1 flex-col items-center justify-center px-4 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">The page you asked for does not exist.</p>
      <Link href="/forecasts" className="mt-6 text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-400">
        Go to forecasts
      </Link>
    </main>
  );
}
