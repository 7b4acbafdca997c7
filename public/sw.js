// The app's service worker: shows web push notifications (lib/push/push-channel.ts sends them)
// and opens their link on click. It caches nothing: the app needs the server to be of any use.
// Registered by components/notifications/use-push-subscription.ts; scope "/".

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  // The payload is PushPayload (lib/push/push-channel.ts): { title, body, url, tag, event }.
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: payload.body || "",
    // The job's id: a push sent again for the same job replaces its notification instead of adding one.
    tag: payload.tag || undefined,
    data: { url: payload.url || "/" },
  };
  event.waitUntil(self.registration.showNotification(payload.title || "CapLiquify", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  // Only pages of this app: a payload is the server's, but a worker should not open other sites.
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const same = windows.find((client) => client.url === target.href);
      if (same) return same.focus();
      // An open tab of the app is reused rather than opening another one.
      const tab = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (tab && "navigate" in tab) {
        const navigated = await tab.navigate(target.href);
        return (navigated || tab).focus();
      }
      return self.clients.openWindow(target.href);
    })(),
  );
});
