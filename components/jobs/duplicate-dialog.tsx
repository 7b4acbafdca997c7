"use client";

import { useState, type FormEvent } from "react";
import { ApiRequestError, errorMessage } from "../api/api-client";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { HelpText, inputClass, Label } from "../ui/field";
import { cx } from "../ui/cx";
import { Dialog, DialogBody, DialogFooter } from "../ui/dialog";
import { jobActions } from "./job-api";

interface FieldErrors {
  data: string[];
  priority: string[];
  delay: string[];
  other: string[];
}

const NO_ERRORS: FieldErrors = { data: [], priority: [], delay: [], other: [] };

/** Sorts the API's per-path validation details onto the fields of the form. */
function toFieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiRequestError) || error.details.length === 0) return { ...NO_ERRORS, other: [errorMessage(error)] };
  const errors: FieldErrors = { data: [], priority: [], delay: [], other: [] };
  for (const detail of error.details) {
    const path = detail.path.replace(/^body\./, "");
    if (path === "data" || path.startsWith("data.")) errors.data.push(`${path}: ${detail.message}`);
    else if (path === "priority") errors.priority.push(detail.message);
    else if (path === "delay") errors.delay.push(detail.message);
    else errors.other.push(`${path || "request"}: ${detail.message}`);
  }
  return errors;
}

/**
 * Edits a copy of a job before adding it: the payload as JSON, priority and delay. The server
 * validates the payload through the catalogue; its complaints are shown next to the field they
 * concern, with the path inside the data.
 */
export function DuplicateDialog({
  open,
  queueKey,
  onClose,
  ...form
}: {
  open: boolean;
  queueKey: string;
  jobId: string;
  data: unknown;
  priority: number | null;
  onClose(): void;
  onDuplicated(newJobId: string): void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title="Duplicate job"
      description={
        <>
          Adds a new job to the <span className="font-mono">{queueKey}</span> queue with this data, owned by you. The original is left as it is.
        </>
      }
    >
      {/* Mounted on each opening, so the fields start from the job again. */}
      <DuplicateForm queueKey={queueKey} onCancel={onClose} {...form} />
    </Dialog>
  );
}

function DuplicateForm({
  queueKey,
  jobId,
  data,
  priority,
  onCancel,
  onDuplicated,
}: {
  queueKey: string;
  jobId: string;
  data: unknown;
  priority: number | null;
  onCancel(): void;
  onDuplicated(newJobId: string): void;
}) {
  const [text, setText] = useState(() => JSON.stringify(data, null, 2));
  const [priorityText, setPriorityText] = useState(priority ? String(priority) : "");
  const [delaySeconds, setDelaySeconds] = useState("");
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      setErrors({ ...NO_ERRORS, data: [`Not valid JSON: ${error instanceof Error ? error.message : "cannot be read"}`] });
      return;
    }
    const body: { data: unknown; priority?: number; delay?: number } = { data: parsed };
    if (priorityText.trim() !== "") body.priority = Number(priorityText);
    if (delaySeconds.trim() !== "") body.delay = Math.round(Number(delaySeconds) * 1000);
    setBusy(true);
    try {
      const created = await jobActions.duplicate(queueKey, jobId, body);
      setErrors(NO_ERRORS);
      onDuplicated(created.jobId);
    } catch (error) {
      setErrors(toFieldErrors(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <DialogBody>
        {errors.other.length > 0 ? (
          <Alert tone="error" title="The copy was not added">
            <ul>
              {errors.other.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </Alert>
        ) : null}
        <div>
          <Label htmlFor="duplicate-data">Job data (JSON)</Label>
          <textarea
            id="duplicate-data"
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={10}
            spellCheck={false}
            aria-invalid={errors.data.length > 0 || undefined}
            aria-describedby={errors.data.length > 0 ? "duplicate-data-errors" : undefined}
            className={cx(inputClass, "mt-1 font-mono text-xs")}
          />
          {errors.data.length > 0 ? (
            <ul id="duplicate-data-errors" className="mt-1 space-y-0.5" data-testid="duplicate-data-errors">
              {errors.data.map((message) => (
                <li key={message} className="text-xs text-red-700 dark:text-red-400">
                  {message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <Label htmlFor="duplicate-priority">Priority (1 high – 10 low)</Label>
            <input
              id="duplicate-priority"
              type="number"
              min={1}
              max={10}
              step={1}
              value={priorityText}
              onChange={(event) => setPriorityText(event.target.value)}
              aria-invalid={errors.priority.length > 0 || undefined}
              aria-describedby={errors.priority.length > 0 ? "duplicate-priority-error" : undefined}
              className={cx(inputClass, "mt-1")}
            />
            {errors.priority.length > 0 ? (
              <HelpText id="duplicate-priority-error" tone="error">
                {errors.priority.join("; ")}
              </HelpText>
            ) : null}
          </div>
          <div>
            <Label htmlFor="duplicate-delay">Delay (seconds)</Label>
            <input
              id="duplicate-delay"
              type="number"
              min={0}
              step={1}
              value={delaySeconds}
              placeholder="Run now"
              onChange={(event) => setDelaySeconds(event.target.value)}
              aria-invalid={errors.delay.length > 0 || undefined}
              aria-describedby={errors.delay.length > 0 ? "duplicate-delay-error" : undefined}
              className={cx(inputClass, "mt-1")}
            />
            {errors.delay.length > 0 ? (
              <HelpText id="duplicate-delay-error" tone="error">
                {errors.delay.join("; ")}
              </HelpText>
            ) : null}
          </div>
        </div>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" loading={busy}>
          Add the copy
        </Button>
      </DialogFooter>
    </form>
  );
}
