"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useId, useState, type FormEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson, patchJson, postJson } from "../api/api-client";
import type { QueueKey, QueueOverview } from "../api/types";
import { formatDuration, formatInteger } from "../format";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogBody, DialogFooter } from "../ui/dialog";
import { HelpText, Label, Select, TextInput } from "../ui/field";

/** The states an admin may clean from the UI; "wait" covers the prioritized set too (see QueueManager.clean). */
const CLEAN_STATES = [
  { value: "completed", label: "Completed", count: (queue: QueueOverview) => queue.completed },
  { value: "failed", label: "Failed", count: (queue: QueueOverview) => queue.failed },
  { value: "wait", label: "Waiting", count: (queue: QueueOverview) => queue.waiting },
  { value: "delayed", label: "Delayed", count: (queue: QueueOverview) => queue.delayed },
] as const;
type CleanState = (typeof CLEAN_STATES)[number]["value"];

const GRACE_UNITS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
type GraceUnit = keyof typeof GRACE_UNITS;

export function useQueueOverview() {
  return useQuery({
    queryKey: queryKeys.queues.overview(),
    queryFn: ({ signal }) => getJson<{ queues: QueueOverview[] }>("/api/v1/queues", { signal }),
    refetchInterval: 2_000,
    refetchIntervalInBackground: true,
    staleTime: 0,
    retry: false,
  });
}

type Dialog = "pause" | "resume" | "clean" | "limits" | null;

/**
 * Pause/resume, clean and runtime limits of one queue, each behind a dialog that says what will
 * happen. Self-contained (fetches the overview it needs), so any page can drop it in.
 */
export function QueueControls({ queueKey, showLimits = true }: { queueKey: QueueKey; showLimits?: boolean }) {
  const overview = useQueueOverview();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = useCallback(() => setDialog(null), []);
  const queue = overview.data?.queues.find((candidate) => candidate.key === queueKey);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
    void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
  };

  const pauseResume = useMutation({
    mutationFn: (paused: boolean) => postJson<{ isPaused: boolean }>(`/api/v1/queues/${queueKey}/${paused ? "pause" : "resume"}`),
    onSuccess: (result) => {
      setNotice(result.isPaused ? `${queue?.label ?? queueKey} is paused.` : `${queue?.label ?? queueKey} is running again.`);
      setDialog(null);
      refresh();
    },
  });

  if (!queue) {
    return overview.isError ? (
      <p className="text-sm text-red-700 dark:text-red-400">Controls unavailable: {errorMessage(overview.error)}</p>
    ) : (
      <div className="h-8 w-64 animate-pulse rounded-md bg-slate-200 dark:bg-slate-800" aria-hidden />
    );
  }

  return (
    <div className="space-y-2" data-testid={`queue-controls-${queueKey}`}>
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Controls of ${queue.label}`}>
        {queue.isPaused ? (
          <Button size="sm" variant="primary" onClick={() => setDialog("resume")}>
            Resume
          </Button>
        ) : (
          <Button size="sm" variant="secondary" onClick={() => setDialog("pause")}>
            Pause
          </Button>
        )}
        <Button size="sm" variant="secondary" onClick={() => setDialog("clean")}>
          Clean…
        </Button>
        <Button size="sm" variant="secondary" onClick={() => setDialog("limits")}>
          Limits…
        </Button>
      </div>
      {showLimits ? <LimitsSummary queue={queue} /> : null}
      <p role="status" aria-live="polite" className="min-h-0 text-xs text-emerald-800 empty:hidden dark:text-emerald-300">
        {notice}
      </p>

      <Dialog
        open={dialog === "pause" || dialog === "resume"}
        onClose={close}
        testId="pause-dialog"
        title={dialog === "resume" ? `Resume ${queue.label}?` : `Pause ${queue.label}?`}
        description={
          dialog === "resume"
            ? `Workers start taking its ${formatInteger(queue.waiting)} waiting job${queue.waiting === 1 ? "" : "s"} again.`
            : "Every worker process finishes the jobs it is running and starts no new ones until the queue is resumed. New jobs can still be added; they wait."
        }
      >
        {pauseResume.isError ? (
          <DialogBody>
            <Alert tone="error">{errorMessage(pauseResume.error)}</Alert>
          </DialogBody>
        ) : null}
        <DialogFooter>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button variant={dialog === "resume" ? "primary" : "danger"} loading={pauseResume.isPending} onClick={() => pauseResume.mutate(dialog === "pause")}>
            {dialog === "resume" ? "Resume queue" : "Pause queue"}
          </Button>
        </DialogFooter>
      </Dialog>

      <Dialog open={dialog === "clean"} onClose={close} testId="clean-dialog" title={`Clean ${queue.label}`} description={`Remove old jobs of one state from ${queue.queueName}.`}>
        <CleanForm
          queue={queue}
          onCancel={close}
          onDone={(removed, state) => {
            setNotice(`Removed ${formatInteger(removed)} ${state} job${removed === 1 ? "" : "s"} from ${queue.label}.`);
            setDialog(null);
            refresh();
          }}
        />
      </Dialog>

      <Dialog open={dialog === "limits"} onClose={close} testId="limits-dialog" title={`Limits of ${queue.label}`} description="Apply to every worker process at once, from their next job; no restart needed.">
        <LimitsForm
          queue={queue}
          onCancel={close}
          onDone={() => {
            setNotice(`Limits of ${queue.label} saved.`);
            setDialog(null);
            refresh();
          }}
        />
      </Dialog>
    </div>
  );
}

function rateText(limit: { max: number; durationMs: number } | null): string {
  return limit ? `${formatInteger(limit.max)} per ${formatDuration(limit.durationMs)}` : "none";
}

export function LimitsSummary({ queue }: { queue: QueueOverview }) {
  return (
    <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400" data-testid="limits-summary">
      <div className="flex gap-1">
        <dt>Global concurrency</dt>
        <dd className="font-medium text-slate-900 dark:text-slate-100">{queue.globalConcurrency ?? "no cap"}</dd>
      </div>
      <div className="flex gap-1">
        <dt>Per process</dt>
        <dd className="font-medium text-slate-900 dark:text-slate-100">{queue.processConcurrency}</dd>
      </div>
      <div className="flex gap-1">
        <dt>Rate limit</dt>
        <dd className="font-medium text-slate-900 dark:text-slate-100">{rateText(queue.effectiveRateLimit)}</dd>
      </div>
    </dl>
  );
}

function CleanForm({ queue, onCancel, onDone }: { queue: QueueOverview; onCancel: () => void; onDone: (removed: number, state: string) => void }) {
  const id = useId();
  const [state, setState] = useState<CleanState>("completed");
  const [graceValue, setGraceValue] = useState("1");
  const [graceUnit, setGraceUnit] = useState<GraceUnit>("hours");
  const [limitValue, setLimitValue] = useState("1000");
  const option = CLEAN_STATES.find((candidate) => candidate.value === state)!;
  const grace = Number(graceValue);
  const limit = Number(limitValue);
  const graceError = graceValue.trim() === "" || !Number.isFinite(grace) || grace < 0 ? "Enter an age of 0 or more" : null;
  const limitError = !Number.isInteger(limit) || limit < 1 || limit > 100_000 ? "Enter a whole number from 1 to 100,000" : null;
  const graceMs = Math.round(grace * GRACE_UNITS[graceUnit]);
  const current = option.count(queue);
  const label = option.label.toLowerCase();

  const clean = useMutation({
    mutationFn: () => postJson<{ removed: number }>(`/api/v1/queues/${queue.key}/clean`, { type: state, grace: graceMs, limit }),
    onSuccess: (result) => onDone(result.removed, label),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!graceError && !limitError) clean.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <DialogBody>
        <div>
          <Label htmlFor={`${id}-state`}>Jobs to remove</Label>
          <Select id={`${id}-state`} className="mt-1" value={state} onChange={(event) => setState(event.target.value as CleanState)}>
            {CLEAN_STATES.map((candidate) => (
              <option key={candidate.value} value={candidate.value}>
                {candidate.label} ({formatInteger(candidate.count(queue))} now)
              </option>
            ))}
          </Select>
        </div>
        <div className="grid grid-cols-2 gap-3">
          <div>
            <Label htmlFor={`${id}-grace`}>Older than</Label>
            <TextInput
              id={`${id}-grace`}
              className="mt-1"
              type="number"
              inputMode="decimal"
              min={0}
              value={graceValue}
              onChange={(event) => setGraceValue(event.target.value)}
              aria-invalid={graceError ? true : undefined}
              aria-describedby={graceError ? `${id}-grace-error` : undefined}
            />
            {graceError ? (
              <HelpText id={`${id}-grace-error`} tone="error">
                {graceError}
              </HelpText>
            ) : null}
          </div>
          <div>
            <Label htmlFor={`${id}-unit`}>Unit</Label>
            <Select id={`${id}-unit`} className="mt-1" value={graceUnit} onChange={(event) => setGraceUnit(event.target.value as GraceUnit)}>
              {Object.keys(GRACE_UNITS).map((unit) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </Select>
          </div>
        </div>
        <div>
          <Label htmlFor={`${id}-limit`}>At most</Label>
          <TextInput
            id={`${id}-limit`}
            className="mt-1"
            type="number"
            inputMode="numeric"
            min={1}
            max={100_000}
            value={limitValue}
            onChange={(event) => setLimitValue(event.target.value)}
            aria-invalid={limitError ? true : undefined}
            aria-describedby={`${id}-limit-help`}
          />
          <HelpText id={`${id}-limit-help`} tone={limitError ? "error" : "muted"}>
            {limitError ?? "Jobs removed in one go (1 to 100,000)."}
          </HelpText>
        </div>
        <div className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-300 dark:bg-amber-950/60 dark:text-amber-100 dark:ring-amber-800" data-testid="clean-summary">
          {graceError || limitError ? (
            "Fix the fields above to see what will be removed."
          ) : (
            <>
              This removes up to <strong>{formatInteger(limit)}</strong> of the {formatInteger(current)} {label} jobs in {queue.queueName}
              {graceMs > 0 ? ` older than ${formatDuration(graceMs)}` : " of any age"}.{" "}
              {state === "wait" || state === "delayed"
                ? "They will never run; the job ledger keeps them as cancelled."
                : "The job ledger keeps their history; Redis no longer will."}{" "}
              This cannot be undone.
            </>
          )}
        </div>
        {clean.isError ? <Alert tone="error">{errorMessage(clean.error)}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" loading={clean.isPending} disabled={Boolean(graceError || limitError)}>
          Remove up to {Number.isFinite(limit) && limit > 0 ? formatInteger(limit) : "…"} jobs
        </Button>
      </DialogFooter>
    </form>
  );
}

function LimitsForm({ queue, onCancel, onDone }: { queue: QueueOverview; onCancel: () => void; onDone: () => void }) {
  const id = useId();
  const workerLimit = queue.workerRateLimit;
  const [concurrency, setConcurrency] = useState(queue.globalConcurrency === null ? "" : String(queue.globalConcurrency));
  const [rateOn, setRateOn] = useState(queue.globalRateLimit !== null || workerLimit !== null);
  const [max, setMax] = useState(String(queue.effectiveRateLimit?.max ?? 10));
  const [windowMs, setWindowMs] = useState(String(queue.effectiveRateLimit?.durationMs ?? 1000));

  const concurrencyNumber = Number(concurrency);
  const concurrencyError =
    concurrency.trim() !== "" && (!Number.isInteger(concurrencyNumber) || concurrencyNumber < 1 || concurrencyNumber > 10_000) ? "Enter a whole number from 1 to 10,000, or leave empty" : null;
  const maxNumber = Number(max);
  const windowNumber = Number(windowMs);
  const maxError = rateOn && (!Number.isInteger(maxNumber) || maxNumber < 1 || maxNumber > 1_000_000) ? "Enter a whole number from 1 to 1,000,000" : null;
  const windowError = rateOn && !workerLimit && (!Number.isInteger(windowNumber) || windowNumber < 100 || windowNumber > 3_600_000) ? "Enter milliseconds from 100 to 3,600,000" : null;
  const invalid = Boolean(concurrencyError || maxError || windowError);

  const save = useMutation({
    mutationFn: (body: unknown) => patchJson(`/api/v1/queues/${queue.key}/settings`, body),
    onSuccess: onDone,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid) return;
    save.mutate({
      globalConcurrency: concurrency.trim() === "" ? null : concurrencyNumber,
      rateLimit: rateOn ? { max: maxNumber, durationMs: workerLimit ? workerLimit.durationMs : windowNumber } : null,
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <DialogBody>
        <div>
          <Label htmlFor={`${id}-concurrency`}>Global concurrency</Label>
          <TextInput
            id={`${id}-concurrency`}
            className="mt-1"
            type="number"
            inputMode="numeric"
            min={1}
            placeholder="No cap"
            value={concurrency}
            onChange={(event) => setConcurrency(event.target.value)}
            aria-invalid={concurrencyError ? true : undefined}
            aria-describedby={`${id}-concurrency-help`}
          />
          <HelpText id={`${id}-concurrency-help`} tone={concurrencyError ? "error" : "muted"}>
            {concurrencyError ??
              `Jobs running at once across all worker processes; empty for no cap. Each process runs up to ${queue.processConcurrency} (catalogue or QUEUE_CONCURRENCY_${queue.key.toUpperCase()}); the ${queue.workers} live process${queue.workers === 1 ? "" : "es"} give ${queue.workerConcurrency} slot${queue.workerConcurrency === 1 ? "" : "s"} now.`}
          </HelpText>
        </div>

        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Rate limit</legend>
          {workerLimit ? (
            <p className="text-xs text-slate-600 dark:text-slate-400">
              The workers of this queue enforce a {formatDuration(workerLimit.durationMs)} window (catalogue: {rateText(workerLimit)}); only the number of jobs per window can change at runtime.
            </p>
          ) : (
            <label className="inline-flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
              <input type="checkbox" className="size-4 accent-indigo-600" checked={rateOn} onChange={(event) => setRateOn(event.target.checked)} />
              Limit how many jobs start per time window
            </label>
          )}
          {rateOn ? (
            <div className="grid grid-cols-2 gap-3">
              <div>
                <Label htmlFor={`${id}-max`}>Jobs per window</Label>
                <TextInput
                  id={`${id}-max`}
                  className="mt-1"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  value={max}
                  onChange={(event) => setMax(event.target.value)}
                  aria-invalid={maxError ? true : undefined}
                  aria-describedby={maxError ? `${id}-max-error` : undefined}
                />
                {maxError ? (
                  <HelpText id={`${id}-max-error`} tone="error">
                    {maxError}
                  </HelpText>
                ) : null}
              </div>
              <div>
                <Label htmlFor={`${id}-window`}>Window (ms)</Label>
                <TextInput
                  id={`${id}-window`}
                  className="mt-1"
                  type="number"
                  inputMode="numeric"
                  min={100}
                  value={workerLimit ? String(workerLimit.durationMs) : windowMs}
                  disabled={Boolean(workerLimit)}
                  onChange={(event) => setWindowMs(event.target.value)}
                  aria-invalid={windowError ? true : undefined}
                  aria-describedby={windowError ? `${id}-window-error` : undefined}
                />
                {windowError ? (
                  <HelpText id={`${id}-window-error`} tone="error">
                    {windowError}
                  </HelpText>
                ) : null}
              </div>
            </div>
          ) : null}
          {workerLimit && queue.globalRateLimit ? (
            <Button size="sm" variant="ghost" onClick={() => save.mutate({ rateLimit: null })}>
              Back to the catalogue&apos;s {rateText(workerLimit)}
            </Button>
          ) : null}
        </fieldset>

        {save.isError ? <Alert tone="error">{errorMessage(save.error)}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending} disabled={invalid}>
          Save limits
        </Button>
      </DialogFooter>
    </form>
  );
}
