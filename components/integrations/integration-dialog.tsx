"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { fieldErrors } from "../api/api-client";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useOrganizations } from "../organizations/use-organizations";
import { Dialog, DialogBody, DialogFooter } from "../ui/dialog";
import { FieldErrors, HelpText, Label, Select, TextInput } from "../ui/field";
import { integrationsApi, KIND_LABELS, type IntegrationChanges, type IntegrationKind, type IntegrationView } from "./integration-api";

type Field = "name" | "baseUrl" | "accessToken" | "syncIntervalMinutes" | "other";

/** The form field of an API error's path (`credentials.accessToken` → the token field). */
const FIELD_OF_PATH: Record<string, Exclude<Field, "other">> = {
  name: "name",
  baseUrl: "baseUrl",
  "credentials.accessToken": "accessToken",
  credentials: "accessToken",
  "settings.syncIntervalMinutes": "syncIntervalMinutes",
};

/**
 * Adds an integration, or edits one. The access token is write-only: the field starts empty
 * (the API never returns it), and on an edit an empty field keeps the stored token.
 */
export function IntegrationDialog({ open, integration, onClose, onSaved }: { open: boolean; integration?: IntegrationView; onClose(): void; onSaved(): void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title={integration ? `Edit ${integration.name}` : "Add integration"}
      description="Orders become daily sales per SKU and inventory levels become stock on hand, matched to your products by SKU."
      testId="integration-dialog"
    >
      <IntegrationForm integration={integration} onClose={onClose} onSaved={onSaved} />
    </Dialog>
  );
}

function IntegrationForm({ integration, onClose, onSaved }: { integration?: IntegrationView; onClose(): void; onSaved(): void }) {
  const ids = { organization: useId(), kind: useId(), name: useId(), baseUrl: useId(), token: useId(), interval: useId() };
  const organizations = useOrganizations();
  const [organizationId, setOrganizationId] = useState("");
  const [kind, setKind] = useState<IntegrationKind>(integration?.kind ?? "SHOPIFY");
  const [name, setName] = useState(integration?.name ?? "");
  const [baseUrl, setBaseUrl] = useState(integration?.baseUrl ?? "");
  const [accessToken, setAccessToken] = useState("");
  const [intervalText, setIntervalText] = useState(integration?.settings.syncIntervalMinutes ? String(integration.settings.syncIntervalMinutes) : "");
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const labels = KIND_LABELS[kind];

  const save = useMutation({
    mutationFn: (changes: IntegrationChanges) =>
      integration
        ? integrationsApi.update(integration.id, changes)
        : integrationsApi.create({
            kind,
            name: changes.name!,
            baseUrl: changes.baseUrl!,
            credentials: changes.credentials!,
            settings: changes.settings!,
            ...(organizationId ? { organizationId } : {}),
          }),
    onSuccess: () => onSaved(),
    onError: (error) => setErrors(fieldErrors(error, (path) => FIELD_OF_PATH[path] ?? null)),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<Field, string[]>> = {};
    if (!name.trim()) found.name = ["Give the integration a name."];
    if (!baseUrl.trim()) found.baseUrl = ["Enter the provider's address."];
    if (!integration && !accessToken) found.accessToken = ["Enter the access token."];
    const minutes = intervalText.trim() === "" ? null : Number(intervalText);
    if (minutes !== null && !Number.isInteger(minutes)) found.syncIntervalMinutes = ["Enter whole minutes, or leave empty for manual syncs only."];
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    save.mutate({
      name: name.trim(),
      baseUrl: baseUrl.trim(),
      settings: { syncIntervalMinutes: minutes },
      ...(accessToken ? { credentials: { accessToken } } : {}),
    });
  }

  const error = (field: Field) => <FieldErrors messages={errors[field]} />;

  return (
    <form onSubmit={submit} noValidate>
      <DialogBody>
        {errors.other ? <Alert tone="error">{errors.other.join("; ")}</Alert> : null}
        {integration ? null : (
          <div>
            <Label htmlFor={ids.organization}>Organisation</Label>
            <Select id={ids.organization} className="mt-1.5" value={organizationId} onChange={(event) => setOrganizationId(event.target.value)}>
              <option value="">Your own</option>
              {organizations.data?.organizations.map((organization) => (
                <option key={organization.id} value={organization.id}>
                  {organization.name}
                </option>
              ))}
            </Select>
            <HelpText>Its orders and stock are matched to this organisation&apos;s products and warehouses.</HelpText>
          </div>
        )}
        <div>
          <Label htmlFor={ids.kind}>Provider</Label>
          <Select id={ids.kind} className="mt-1.5" value={kind} onChange={(event) => setKind(event.target.value as IntegrationKind)} disabled={Boolean(integration)}>
            {(Object.keys(KIND_LABELS) as IntegrationKind[]).map((key) => (
              <option key={key} value={key}>
                {KIND_LABELS[key].label}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <Label htmlFor={ids.name}>Name</Label>
          <TextInput id={ids.name} className="mt-1.5" value={name} onChange={(event) => setName(event.target.value)} aria-invalid={Boolean(errors.name)} placeholder="Web shop" />
          {error("name")}
        </div>
        <div>
          <Label htmlFor={ids.baseUrl}>Address</Label>
          <TextInput
            id={ids.baseUrl}
            className="mt-1.5 font-mono"
            type="url"
            inputMode="url"
            value={baseUrl}
            onChange={(event) => setBaseUrl(event.target.value)}
            aria-invalid={Boolean(errors.baseUrl)}
            aria-describedby={`${ids.baseUrl}-help`}
            placeholder="https://example.myshopify.com"
          />
          <HelpText id={`${ids.baseUrl}-help`}>{labels.baseUrlHint}</HelpText>
          {error("baseUrl")}
        </div>
        <div>
          <Label htmlFor={ids.token}>{labels.tokenLabel}</Label>
          <TextInput
            id={ids.token}
            className="mt-1.5 font-mono"
            type="password"
            // Never offered back by the browser either: this is the provider's secret, not the user's password.
            autoComplete="new-password"
            value={accessToken}
            onChange={(event) => setAccessToken(event.target.value)}
            aria-invalid={Boolean(errors.accessToken)}
            aria-describedby={`${ids.token}-help`}
            placeholder={integration?.hasCredentials ? "••••••••  (stored)" : undefined}
          />
          <HelpText id={`${ids.token}-help`}>
            {integration
              ? integration.hasCredentials
                ? "Stored encrypted and never shown again. Leave empty to keep the current token; type a new one to replace it."
                : "No token is stored: enter one before syncing."
              : "Stored encrypted and never shown again, not even to admins."}
          </HelpText>
          {error("accessToken")}
        </div>
        <div>
          <Label htmlFor={ids.interval}>Sync every (minutes)</Label>
          <TextInput
            id={ids.interval}
            className="mt-1.5 w-40"
            type="number"
            min={5}
            step={1}
            value={intervalText}
            onChange={(event) => setIntervalText(event.target.value)}
            aria-invalid={Boolean(errors.syncIntervalMinutes)}
            aria-describedby={`${ids.interval}-help`}
          />
          <HelpText id={`${ids.interval}-help`}>Empty: only when you press Sync now, or when the provider sends a webhook.</HelpText>
          {error("syncIntervalMinutes")}
        </div>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          {integration ? "Save" : "Add integration"}
        </Button>
      </DialogFooter>
    </form>
  );
}
