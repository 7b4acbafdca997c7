"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Role } from "@/lib/jobs/catalog";
import { cx } from "./ui/cx";

interface NavLink {
  href: string;
  label: string;
  adminOnly?: boolean;
}

/** One list of the app's sections; planners see only theirs. */
const LINKS: readonly NavLink[] = [
  { href: "/forecasts", label: "Forecasts" },
  { href: "/inventory", label: "Inventory" },
  { href: "/analytics", label: "Analytics" },
  { href: "/imports", label: "Imports" },
  { href: "/exports", label: "Exports" },
  { href: "/my-runs", label: "My runs" },
  { href: "/schedules", label: "Schedules" },
  { href: "/queues", label: "Queues", adminOnly: true },
  { href: "/jobs", label: "Jobs", adminOnly: true },
  { href: "/failed", label: "Failed", adminOnly: true },
  { href: "/integrations", label: "Integrations", adminOnly: true },
  { href: "/audit", label: "Audit log", adminOnly: true },
  { href: "/api-docs", label: "API" },
];

export function NavLinks({ role }: { role: Role }) {
  const pathname = usePathname();
  const links = LINKS.filter((link) => role === "ADMIN" || !link.adminOnly);
  return (
    <nav aria-label="Main" className="order-last w-full sm:order-none sm:w-auto">
      <ul className="flex flex-wrap items-center gap-1">
        {links.map((link) => {
          const current = pathname === link.href || pathname.startsWith(`${link.href}/`);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={current ? "page" : undefined}
                className={cx(
                  "rounded-md px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
                  current
                    ? "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white"
                    : "text-slate-600 hover:bg-slate-50 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-900 dark:hover:text-white",
                )}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
