import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { cx } from "./cx";

export const inputClass =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-indigo-600 focus:outline-none disabled:cursor-not-allowed disabled:bg-slate-50 aria-invalid:ring-red-500 dark:bg-slate-950 dark:text-slate-100 dark:ring-slate-700 dark:placeholder:text-slate-500 dark:focus:ring-indigo-400";

export function Label({ htmlFor, children, className }: { htmlFor: string; children: ReactNode; className?: string }) {
  return (
    <label htmlFor={htmlFor} className={cx("block text-sm font-medium text-slate-900 dark:text-slate-100", className)}>
      {children}
    </label>
  );
}

export function HelpText({ id, children, tone = "muted" }: { id?: string; children: ReactNode; tone?: "muted" | "error" }) {
  return (
    <p id={id} className={cx("mt-1 text-xs", tone === "error" ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-400")}>
      {children}
    </p>
  );
}

/** A field's error messages, one line each, under the field. */
export function FieldErrors({ messages }: { messages?: readonly string[] }) {
  return messages?.map((message) => (
    <HelpText key={message} tone="error">
      {message}
    </HelpText>
  ));
}

export function TextInput({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={cx(inputClass, className)} {...props} />;
}

/** A native select styled like the text inputs, with room for the browser's arrow. */
export function Select({ className, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={cx(inputClass, "pr-8", className)} {...props} />;
}
