import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { NotificationSettings } from "@/components/notifications/notification-settings";

export const metadata: Metadata = { title: "Notification settings" };

export default function NotificationSettingsPage() {
  return (
    <>
      <PageHeader title="Notification settings" description="Which news reaches you where: the bell, email, text messages and push notifications on this device." />
      <NotificationSettings />
    </>
  );
}
