"use client";

import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { cx } from "./cx";

const SIZES = { md: "w-[min(32rem,calc(100vw-2rem))]", lg: "w-[min(40rem,calc(100vw-2rem))]" } as const;

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/**
 * The app's one modal dialog, on the native <dialog>: showModal() puts it in the top layer and
 * makes the rest of the page inert, and focuses its first control. On top of that it keeps Tab
 * and Shift+Tab cycling inside (the browser would otherwise let focus leave for its own UI),
 * closes on Esc (the native "cancel") and on a click on the backdrop, and gives focus back to
 * whatever opened it, also when the parent unmounts it instead of closing it.
 *
 * The content is only rendered while open, so forms inside start fresh each time.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  size = "md",
  testId,
}: {
  open: boolean;
  /** Called when the user dismisses the dialog (Esc, backdrop) and after the parent closes it. */
  onClose(): void;
  title: ReactNode;
  /** Read out with the title (aria-describedby). */
  description?: ReactNode;
  /** DialogBody and DialogFooter, or a form holding them. */
  children?: ReactNode;
  size?: keyof typeof SIZES;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!open || !dialog) return;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may be gone by now (e.g. a Retry button replaced by the result).
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, [open]);

  function keepFocusInside(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key !== "Tab") return;
    const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.getClientRects().length > 0);
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && (document.activeElement === first || document.activeElement === event.currentTarget)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={open && description ? descriptionId : undefined}
      data-testid={testId}
      onClose={onClose}
      onKeyDown={keepFocusInside}
      // A click on the backdrop lands on the dialog element itself: treat it like Esc.
      onClick={(event) => {
        if (event.target === event.currentTarget) event.currentTarget.close();
      }}
      className={cx(
        "m-auto rounded-xl bg-white p-0 text-slate-900 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-950/50 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700",
        SIZES[size],
      )}
    >
      {open ? (
        <>
          <div className="px-5 py-4">
            <h2 id={titleId} className="text-base font-semibold text-slate-900 dark:text-white">
              {title}
            </h2>
            {description ? (
              <div id={descriptionId} className="mt-1 text-sm text-slate-600 dark:text-slate-300">
                {description}
              </div>
            ) : null}
          </div>
          {children}
        </>
      ) : null}
    </dialog>
  );
}

export function DialogBody({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={cx("space-y-4 px-5 pb-4", className)}>{children}</div>;
}

/** The dialog's buttons, right-aligned: the dismissing one first, the action last. */
export function DialogFooter({ children }: { children: ReactNode }) {
  return <div className="flex flex-wrap justify-end gap-2 border-t border-slate-200 px-5 py-3 dark:border-slate-800">{children}</div>;
}
