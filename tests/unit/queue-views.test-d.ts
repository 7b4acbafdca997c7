import type { ComponentType } from "react";
import type { QueueView, queueViews } from "@/components/runs/queue-views";
import type { JobResult } from "@/lib/jobs/catalog";

/**
 * Type-level checks, run by `npm run typecheck` (vitest does not run this file): a queue's entry in
 * the views map brings both its form and its result view, and the result view takes that queue's
 * documented result. Each `@ts-expect-error` fails the type check if the line it marks compiles.
 */
declare const Form: QueueView<"forecast">["Form"];
declare const Result: QueueView<"forecast">["Result"];
declare const words: Omit<QueueView<"forecast">, "Form" | "Result">;
declare const exportResult: ComponentType<{ result: JobResult<"export"> }>;

export const complete = { Form, Result, ...words } satisfies QueueView<"forecast">;

// @ts-expect-error an entry without its result view is refused
export const withoutResult = { Form, ...words } satisfies QueueView<"forecast">;

// @ts-expect-error an entry without its form is refused
export const withoutForm = { Result, ...words } satisfies QueueView<"forecast">;

// @ts-expect-error a result view of another queue's result is refused
export const otherQueuesResult = { Form, Result: exportResult, ...words } satisfies QueueView<"forecast">;

/** The map itself: no entry falls short of a full view of its own queue (the union of those that do is empty). */
type Incomplete = { [K in keyof typeof queueViews]: (typeof queueViews)[K] extends QueueView<K> ? never : K }[keyof typeof queueViews];
type AssertNone<T extends never> = T;
export type NoIncompleteEntry = AssertNone<Incomplete>;
