import { z } from "zod";
import { excerpt } from "./errors";
import { QUEUE_KEYS } from "../jobs/catalog";

/** Path parameter schemas shared by routes; a failure here answers 404. */
export const queueKey = z.enum(QUEUE_KEYS, { error: (issue) => `no queue named "${excerpt(issue.input)}"` });
export const queueParams = z.object({ queueKey });
export const jobParams = z.object({ queueKey, jobId: z.string().min(1).max(200) });
export const idParams = z.object({ id: z.string().min(1).max(200) });
export const jobIdParams = z.object({ jobId: z.string().min(1).max(200) });
