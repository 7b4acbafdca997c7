"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { batchable } from "@/lib/jobs/batch-contract";
import { queueDefinition, type QueueKey } from "@/lib/jobs/catalog";
import { CRON_PRESETS } from "@/lib/schedules/cron-presets";
import type { ScheduleView } from "@/lib/schedules/schedules";
import { fieldErrors, patchJson, postJson } from "../api/api-client";
import { choiceOfScope, ProductScopePicker, scopeOfChoice, type ScopeChoice, type ScopeKind } from "../batches/product-scope-picker";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogBody, DialogFooter } from "../ui/dialog";
import { FieldErrors, HelpText, inputClass, Label, Select, TextInput } from "../ui/field";

type Field = "name" | "queue" | "batch" | "data" | "cron" | "everyMs" | "timezone" | "other";

/** A schedule of a batchable queue runs one job, or a batch over a category or every product each tick. */
const SCHEDULE_SCOPES: readonly ScopeKind[] = ["single", "category", "all", "product"];

const TOP_FIELDS = ["name", "queue", "batch", "cron", "everyMs", "timezone"] as const;

/** The field of an API error's path: `data.horizon` → the job data field. */
const fieldOfPath = (path: string): Exclude<Field, "other"> | null =>
  TOP_FIELDS.find((candidate) => path === candidate) ?? (path.startsWith("data") ? "data" : path.startsWith("batch.") ? "batch" : null);

/** Creates a schedule, or edits one: what it runs (queue and job data) and when (cron in a zone, or an interval). */
export function ScheduleDialog({
  open,
  schedule,
  queues,
  defaultZone,
  onClose,
  onSaved,
}: {
  open: boolean;
  schedule?: ScheduleView;
  queues: readonly QueueKey[];
  defaultZone: string;
  onClose(): void;
  onSaved(): void;
}) {
  return (
    <Dialog open={open} onClose={onClose} size="lg" title={schedule ? "Edit schedule" : "New schedule"} description="Each run is a normal job owned by the schedule's creator." testId="schedule-dialog">
      <ScheduleForm schedule={schedule} queues={queues} defaultZone={defaultZone} onClose={onClose} onSaved={onSaved} />
    </Dialog>
  );
}

function ScheduleForm({ schedule, queues, defaultZone, onClose, onSaved }: Omit<Parameters<typeof ScheduleDialog>[0], "open">) {
  const [name, setName] = useState(schedule?.name ?? "");
  const [queue, setQueue] = useState<QueueKey>(schedule?.queue ?? queues[0] ?? "forecast");
  const [data, setData] = useState(schedule ? JSON.stringify(schedule.data, null, 2) : "{\n  \n}");
  const [mode, setMode] = useState<"cron" | "every">(schedule?.everyMs ? "every" : "cron");
  const [cron, setCron] = useState(schedule?.cron ?? CRON_PRESETS[0].cron);
  const [everyMinutes, setEveryMinutes] = useState(schedule?.everyMs ? String(schedule.everyMs / 60_000) : "60");
  const [timezone, setTimezone] = useState(schedule?.timezone ?? defaultZone);
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [scope, setScope] = useState<ScopeChoice>(choiceOfScope(schedule?.batch ?? null));
  const [scopeMissing, setScopeMissing] = useState<string | null>(null);
  const batches = batchable(queue);
  // A list of products set through the API stays as it is unless another scope is picked.
  const savedProducts = schedule?.batch && "productIds" in schedule.batch ? schedule.batch.productIds.length : 0;

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      schedule ? patchJson(`/api/v1/schedules/${encodeURIComponent(schedule.id)}`, body) : postJson("/api/v1/schedules", body),
    onSuccess: onSaved,
    onError: (error) => setErrors(fieldErrors(error, fieldOfPath, { withPath: ["data"] })),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      setErrors({ data: ["data: is not valid JSON"] });
      return;
    }
    let batch: Record<string, unknown> = {};
    if (batches && !(scope.kind === "product" && !scope.product && savedProducts > 0)) {
      const chosen = scopeOfChoice(scope);
      if ("missing" in chosen) return setScopeMissing(chosen.missing);
      batch = { batch: chosen.scope };
    }
    setScopeMissing(null);
    setErrors({});
    const timing = mode === "cron" ? { cron } : { everyMs: Math.round(Number(everyMinutes) * 60_000) };
    save.mutate({ name, ...(schedule ? {} : { queue }), ...batch, data: parsed, ...timing, timezone });
  }

  const error = (field: Field) => <FieldErrors messages={errors[field]} />;

  return (
    <form onSubmit={submit} noValidate>
      <DialogBody className="space-y-4">
        {errors.other ? <Alert tone="error">{errors.other.join("; ")}</Alert> : null}
        <div>
          <Label htmlFor="schedule-name">Name</Label>
          <TextInput id="schedule-name" value={name} onChange={(event) => setName(event.target.value)} aria-invalid={Boolean(errors.name)} placeholder="Nightly forecast" />
          {error("name")}
        </div>
        <div>
          <Label htmlFor="schedule-queue">Runs</Label>
          <Select id="schedule-queue" value={queue} onChange={(event) => setQueue(event.target.value as QueueKey)} disabled={Boolean(schedule)}>
            {queues.map((key) => (
              <option key={key} value={key}>
                {queueDefinition(key).label}
              </option>
            ))}
          </Select>
          {error("queue")}
        </div>
        {batches ? (
          <div>
            <ProductScopePicker kinds={SCHEDULE_SCOPES} choice={scope} onChange={setScope} missing={scopeMissing} />
            {scope.kind === "product" && !scope.product && savedProducts > 0 ? <HelpText>Runs for the {savedProducts} products saved with the schedule.</HelpText> : null}
            {error("batch")}
          </div>
        ) : null}
        <div>
          <Label htmlFor="schedule-data">Job data (JSON)</Label>
          <textarea
            id="schedule-data"
            className={`${inputClass} font-mono`}
            rows={4}
            value={data}
            onChange={(event) => setData(event.target.value)}
            aria-invalid={Boolean(errors.data)}
            aria-describedby="schedule-data-help"
          />
          <HelpText id="schedule-data-help">
            {batches && scope.kind !== "single"
              ? <>The fields every product&apos;s job shares, e.g. {'{ "horizon": 30 }'} for a forecast; the product comes from the batch.</>
              : <>As the queue&apos;s API takes it, e.g. {'{ "productId": "…", "horizon": 30 }'} for a forecast; see the API page.</>}
          </HelpText>
          {error("data")}
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">When</legend>
          <div className="mt-2 flex gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="mode" checked={mode === "cron"} onChange={() => setMode("cron")} /> Cron pattern
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="mode" checked={mode === "every"} onChange={() => setMode("every")} /> Interval
            </label>
          </div>
          {mode === "cron" ? (
            <div className="mt-3 space-y-2">
              <div className="flex flex-wrap gap-2">
                {CRON_PRESETS.map((preset) => (
                  <Button key={preset.id} size="sm" variant={cron === preset.cron ? "primary" : "secondary"} onClick={() => setCron(preset.cron)}>
                    {preset.label}
                  </Button>
                ))}
              </div>
              <Label htmlFor="schedule-cron">Cron (minute hour day month weekday)</Label>
              <TextInput id="schedule-cron" className="font-mono" value={cron} onChange={(event) => setCron(event.target.value)} aria-invalid={Boolean(errors.cron)} />
              {error("cron")}
            </div>
          ) : (
            <div className="mt-3">
              <Label htmlFor="schedule-every">Every (minutes)</Label>
              <TextInput id="schedule-every" type="number" min={1} value={everyMinutes} onChange={(event) => setEveryMinutes(event.target.value)} aria-invalid={Boolean(errors.everyMs)} />
              {error("everyMs")}
            </div>
          )}
        </fieldset>
        <div>
          <Label htmlFor="schedule-timezone">Time zone</Label>
          <TextInput id="schedule-timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)} aria-invalid={Boolean(errors.timezone)} placeholder="Europe/Berlin" />
          <HelpText>The plant&apos;s local time: a cron pattern is read in it, daylight saving included.</HelpText>
          {error("timezone")}
        </div>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          {schedule ? "Save" : "Create schedule"}
        </Button>
      </DialogFooter>
    </form>
  );
}
