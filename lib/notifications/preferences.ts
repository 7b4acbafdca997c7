import { z } from "zod";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import type { ChannelType } from "./channel";
import { NOTIFICATION_EVENTS, NOTIFICATION_EVENT_LABELS, type NotificationEvent } from "./events";
import { normalizePhoneNumber } from "./phone";

/** The channels in the order the settings page shows them. */
export const PREFERENCE_CHANNELS = ["IN_APP", "EMAIL", "SMS", "PUSH"] as const satisfies readonly ChannelType[];

export type Preferences = Record<NotificationEvent, Record<ChannelType, boolean>>;

/** The bell for everything; email for failures and reports; SMS and push only when the user turns them on. */
const DEFAULT_EMAIL_EVENTS: readonly NotificationEvent[] = ["job-failed", "report-ready", "import-report"];

export function defaultPreferences(): Preferences {
  return Object.fromEntries(
    NOTIFICATION_EVENTS.map((event) => [event, { IN_APP: true, EMAIL: DEFAULT_EMAIL_EVENTS.includes(event), SMS: false, PUSH: false }]),
  ) as Preferences;
}

/** What a user chose, as stored: only the choices that differ from the defaults. */
const storedChoices = z.partialRecord(z.enum(NOTIFICATION_EVENTS), z.partialRecord(z.enum(PREFERENCE_CHANNELS), z.boolean()));
export type PreferenceChanges = z.infer<typeof storedChoices>;
export const preferenceChangesSchema = storedChoices;

/** The defaults with the stored choices applied; a stored value that no longer parses counts as no choice. */
export function resolvePreferences(stored: unknown): Preferences {
  const preferences = defaultPreferences();
  const parsed = storedChoices.safeParse(stored);
  if (!parsed.success) return preferences;
  for (const [event, channels] of Object.entries(parsed.data)) {
    for (const [channel, enabled] of Object.entries(channels ?? {})) {
      preferences[event as NotificationEvent][channel as ChannelType] = enabled;
    }
  }
  return preferences;
}

/** The choices that differ from the defaults: what is stored, so a later change of a default reaches everyone who never chose. */
function differences(preferences: Preferences): PreferenceChanges {
  const defaults = defaultPreferences();
  const changes: PreferenceChanges = {};
  for (const event of NOTIFICATION_EVENTS) {
    for (const channel of PREFERENCE_CHANNELS) {
      if (preferences[event][channel] !== defaults[event][channel]) (changes[event] ??= {})[channel] = preferences[event][channel];
    }
  }
  return changes;
}

export interface NotificationSettingsView {
  preferences: Preferences;
  phoneNumber: string | null;
}

/** Each user's settings, defaults for those who never saved any. */
export async function readNotificationSettings(userIds: readonly string[], { db = defaultDb() }: { db?: Db } = {}): Promise<Map<string, NotificationSettingsView>> {
  const rows = userIds.length === 0 ? [] : await db.notificationSettings.findMany({ where: { userId: { in: [...new Set(userIds)] } } });
  const byUser = new Map(rows.map((row) => [row.userId, row]));
  return new Map(userIds.map((userId) => {
    const row = byUser.get(userId);
    return [userId, { preferences: resolvePreferences(row?.channels), phoneNumber: row?.phoneNumber ?? null }];
  }));
}

export async function notificationSettingsOf(userId: string, deps: { db?: Db } = {}): Promise<NotificationSettingsView> {
  return (await readNotificationSettings([userId], deps)).get(userId)!;
}

export type SettingsUpdate = { preferences?: PreferenceChanges; phoneNumber?: string | null };

export type SettingsUpdateResult =
  | { ok: true; settings: NotificationSettingsView }
  | { ok: false; code: "invalid"; issues: { path: string; message: string }[] };

/**
 * Applies a partial change (the events and channels named; the phone when given) in one
 * transaction under a row lock, so two tabs saving at once do not undo each other's other choices.
 * SMS needs a number: turning it on without one, or removing the number while an event still
 * sends SMS, is refused.
 */
export async function updateNotificationSettings(userId: string, update: SettingsUpdate, { db = defaultDb() }: { db?: Db } = {}): Promise<SettingsUpdateResult> {
  let phone: string | null | undefined = undefined;
  if (update.phoneNumber !== undefined) {
    if (update.phoneNumber === null || update.phoneNumber.trim() === "") phone = null;
    else {
      const checked = normalizePhoneNumber(update.phoneNumber);
      if (!checked.ok) return { ok: false, code: "invalid", issues: [{ path: "body.phoneNumber", message: checked.message }] };
      phone = checked.phone;
    }
  }
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO "NotificationSettings" ("userId", "updatedAt") VALUES (${userId}, now()) ON CONFLICT ("userId") DO NOTHING`;
    const [row] = await tx.$queryRaw<{ channels: unknown; phoneNumber: string | null }[]>`SELECT "channels", "phoneNumber" FROM "NotificationSettings" WHERE "userId" = ${userId} FOR UPDATE`;
    const preferences = resolvePreferences(row?.channels);
    for (const [event, channels] of Object.entries(update.preferences ?? {})) {
      for (const [channel, enabled] of Object.entries(channels ?? {})) preferences[event as NotificationEvent][channel as ChannelType] = enabled;
    }
    const phoneNumber = phone === undefined ? (row?.phoneNumber ?? null) : phone;
    const smsEvents = NOTIFICATION_EVENTS.filter((event) => preferences[event].SMS);
    if (smsEvents.length > 0 && phoneNumber === null) {
      return { ok: false as const, code: "invalid" as const, issues: [{ path: "body.phoneNumber", message: `SMS is on for ${smsEvents.join(", ")}: set a phone number first` }] };
    }
    await tx.notificationSettings.update({ where: { userId }, data: { channels: differences(preferences), phoneNumber } });
    return { ok: true as const, settings: { preferences, phoneNumber } };
  });
}

/** The events a user's settings list: queue alerts reach admins only. */
export function eventsFor(role: string): { event: NotificationEvent; label: string }[] {
  return NOTIFICATION_EVENTS.filter((event) => event !== "queue-alert" || role === "ADMIN").map((event) => ({ event, label: NOTIFICATION_EVENT_LABELS[event] }));
}
