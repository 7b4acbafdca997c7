"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useState } from "react";
import { ApiRequestError, errorMessage, getJson, postJson, putJson } from "@/components/api/api-client";
import { QueryError } from "@/components/query-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { HelpText, Label, TextInput } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { ChannelType } from "@/lib/notifications/channel";
import { queryKeys } from "@/lib/query-keys";
import { usePushSubscription } from "./use-push-subscription";

/** GET/PUT /api/v1/me/notification-preferences (lib/notifications, the shared contract). */
interface Preferences {
  events: { event: string; label: string }[];
  channels: ChannelType[];
  preferences: Record<string, Record<string, boolean>>;
  phoneNumber: string | null;
}

const CHANNEL_LABELS: Record<ChannelType, string> = { IN_APP: "Bell", EMAIL: "Email", SMS: "Text message", PUSH: "Push" };
/** E.164: a plus, the country code, at most 15 digits in all (the server checks the same). */
const E164 = /^\+[1-9]\d{1,14}$/;
const PREFERENCES_URL = "/api/v1/me/notification-preferences";

export function NotificationSettings() {
  const query = useQuery({ queryKey: queryKeys.notificationPreferences, queryFn: ({ signal }) => getJson<Preferences>(PREFERENCES_URL, { signal }) });
  return (
    <div className="space-y-6">
      {query.isPending ? (
        <Skeleton className="h-64" />
      ) : query.isError ? (
        <QueryError title="Your notification settings could not be loaded" query={query} />
      ) : (
        <PreferencesForm saved={query.data} />
      )}
      {/* This device's push subscription does not depend on the saved settings. */}
      <PushCard />
      {query.isSuccess ? <TestMessageCard saved={query.data} /> : null}
    </div>
  );
}

function PreferencesForm({ saved }: { saved: Preferences }) {
  const client = useQueryClient();
  const [preferences, setPreferences] = useState(saved.preferences);
  const [phone, setPhone] = useState(saved.phoneNumber ?? "");
  const [touched, setTouched] = useState(false);
  const phoneId = useId();
  useEffect(() => {
    setPreferences(saved.preferences);
    setPhone(saved.phoneNumber ?? "");
  }, [saved]);

  const save = useMutation({
    mutationFn: () => putJson<Preferences>(PREFERENCES_URL, { preferences, phoneNumber: phone.trim() === "" ? null : phone.trim() }),
    onSuccess: (answer) => client.setQueryData(queryKeys.notificationPreferences, answer),
  });
  const phoneProblem = phone.trim() !== "" && !E164.test(phone.trim()) ? "Write the number in international form: + then country code and number, digits only (e.g. +4915112345678)." : null;
  const serverPhoneProblem = save.error instanceof ApiRequestError ? save.error.details.find((detail) => detail.path === "body.phoneNumber")?.message : undefined;
  const smsWithoutPhone = phone.trim() === "" && Object.values(preferences).some((channels) => channels.SMS);
  const dirty = JSON.stringify(preferences) !== JSON.stringify(saved.preferences) || phone.trim() !== (saved.phoneNumber ?? "");

  const toggle = (event: string, channel: ChannelType) => {
    setTouched(true);
    setPreferences((current) => ({ ...current, [event]: { ...current[event], [channel]: !current[event]?.[channel] } }));
  };

  return (
    <Card aria-labelledby="preferences-title">
      <CardHeader titleId="preferences-title" title="What reaches you where" description="Tick a box to receive that event on that channel." />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!phoneProblem) save.mutate();
        }}
      >
        <Table caption="Events and the channels they reach you on">
          <THead>
            <Th>Event</Th>
            {saved.channels.map((channel) => (
              <Th key={channel} className="text-center">
                {CHANNEL_LABELS[channel]}
              </Th>
            ))}
          </THead>
          <TBody>
            {saved.events.map(({ event, label }) => (
              <Tr key={event}>
                <Td className="font-medium text-slate-900 dark:text-slate-100">{label}</Td>
                {saved.channels.map((channel) => (
                  <Td key={channel} className="text-center">
                    <input
                      type="checkbox"
                      className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
                      aria-label={`${label} by ${CHANNEL_LABELS[channel].toLowerCase()}`}
                      checked={Boolean(preferences[event]?.[channel])}
                      onChange={() => toggle(event, channel)}
                    />
                  </Td>
                ))}
              </Tr>
            ))}
          </TBody>
        </Table>
        <CardBody className="space-y-4 border-t border-slate-200 dark:border-slate-800">
          <div className="max-w-sm">
            <Label htmlFor={phoneId}>Mobile number for text messages</Label>
            <TextInput
              id={phoneId}
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              placeholder="+4915112345678"
              value={phone}
              aria-invalid={Boolean(phoneProblem || serverPhoneProblem) || undefined}
              aria-describedby={`${phoneId}-help`}
              onChange={(event) => {
                setTouched(true);
                setPhone(event.target.value);
              }}
              className="mt-1"
            />
            <HelpText id={`${phoneId}-help`} tone={phoneProblem || serverPhoneProblem ? "error" : "muted"}>
              {phoneProblem ?? serverPhoneProblem ?? (smsWithoutPhone ? "Text messages need a number: add one, or they cannot be sent." : "Leave empty to receive no text messages.")}
            </HelpText>
          </div>
          {save.isError && !serverPhoneProblem ? <Alert tone="error" title="Your settings were not saved">{errorMessage(save.error)}</Alert> : null}
          {save.isSuccess && !dirty ? <Alert tone="success" title="Saved">Your notification settings are saved.</Alert> : null}
          <div className="flex items-center gap-3">
            <Button type="submit" loading={save.isPending} disabled={!dirty || Boolean(phoneProblem)}>
              Save settings
            </Button>
            {touched && dirty ? <span className="text-sm text-slate-600 dark:text-slate-400">Unsaved changes</span> : null}
          </div>
        </CardBody>
      </form>
    </Card>
  );
}

function PushCard() {
  const push = usePushSubscription();
  const explanation: Record<typeof push.state, string> = {
    checking: "Checking this browser…",
    unsupported: "This browser cannot receive push notifications (it has no service worker or Push API here).",
    denied: "Notifications are blocked for this site in your browser. Allow them in the browser's site settings, then turn push on here.",
    off: "Push notifications are off on this device.",
    on: "This device receives push notifications for the events you ticked under Push.",
  };
  return (
    <Card aria-labelledby="push-title">
      <CardHeader
        titleId="push-title"
        title="Push notifications on this device"
        description="Each browser you use opts in on its own."
        actions={
          push.state === "on" ? (
            <Button variant="secondary" loading={push.busy} onClick={() => void push.unsubscribe()}>
              Turn off on this device
            </Button>
          ) : push.state === "off" || push.state === "denied" ? (
            <Button variant="secondary" loading={push.busy} disabled={push.state === "denied"} onClick={() => void push.subscribe()}>
              Turn on for this device
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-3">
        <p className="text-sm text-slate-700 dark:text-slate-300" role="status">
          {explanation[push.state]}
        </p>
        {push.error ? <Alert tone="error" title="Push could not be changed">{push.error}</Alert> : null}
      </CardBody>
    </Card>
  );
}

/** The channels the saved settings use for at least one event: where a test is worth sending. */
function enabledChannels(saved: Preferences): ChannelType[] {
  return saved.channels.filter((channel) => Object.values(saved.preferences).some((channels) => channels[channel]));
}

function TestMessageCard({ saved }: { saved: Preferences }) {
  const channels = enabledChannels(saved);
  const send = useMutation({ mutationFn: () => postJson<{ jobs: { jobId: string; channel: ChannelType }[] }>("/api/v1/me/notifications/test", { channels }) });
  return (
    <Card aria-labelledby="test-title">
      <CardHeader
        titleId="test-title"
        title="Send a test message"
        description={channels.length > 0 ? `To you, on each channel you use: ${channels.map((channel) => CHANNEL_LABELS[channel]).join(", ")}.` : "Tick at least one channel and save first."}
        actions={
          <Button variant="secondary" loading={send.isPending} disabled={channels.length === 0} onClick={() => send.mutate()}>
            Send a test message
          </Button>
        }
      />
      {send.isError || send.isSuccess ? (
        <CardBody>
          {send.isError ? <Alert tone="error" title="The test was not sent">{errorMessage(send.error)}</Alert> : null}
          {send.isSuccess ? (
            <Alert tone="success" title="Test message on its way">
              Sent on {send.data.jobs.map((job) => CHANNEL_LABELS[job.channel]).join(", ")}. Whether each channel delivered shows in{" "}
              <Link href="/my-runs" className="font-medium underline">
                My runs
              </Link>
              .
            </Alert>
          ) : null}
        </CardBody>
      ) : null}
    </Card>
  );
}
