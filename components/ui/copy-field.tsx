"use client";

import { useEffect, useId, useState } from "react";
import { Button } from "./button";
import { inputClass, Label } from "./field";
import { cx } from "./cx";

/**
 * A read-only value to paste elsewhere (a webhook address, a signing secret), with a Copy button;
 * a `secret` one is masked until shown. The text stays selectable for browsers without clipboard
 * access (an http:// address other than localhost).
 */
export function CopyField({ label, value, secret = false }: { label: string; value: string; secret?: boolean }) {
  const id = useId();
  const [shown, setShown] = useState(!secret);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);

  useEffect(() => {
    if (copied === null) return;
    const timer = window.setTimeout(() => setCopied(null), 2_000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  }

  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      <div className="mt-1.5 flex gap-2">
        <input id={id} readOnly type={shown ? "text" : "password"} value={value} className={cx(inputClass, "font-mono")} onFocus={(event) => event.currentTarget.select()} />
        {secret ? (
          <Button variant="secondary" onClick={() => setShown(!shown)} aria-pressed={shown}>
            {shown ? "Hide" : "Show"}
          </Button>
        ) : null}
        <Button variant="secondary" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
        {copied === "no" ? "The browser did not allow copying: select the text and copy it by hand." : null}
      </p>
    </div>
  );
}
