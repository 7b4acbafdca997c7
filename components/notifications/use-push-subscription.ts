"use client";

import { useCallback, useEffect, useState } from "react";
import { deleteJson, getJson, postJson } from "@/components/api/api-client";

/**
 * This browser's web push state, and opting in or out. "unsupported": no service worker or Push
 * API (an old browser, a private window, plain http off localhost); "denied": the user blocked
 * notifications for the site, which only they can undo in the browser's settings.
 */
export type PushState = "checking" | "unsupported" | "denied" | "off" | "on";

const WORKER_URL = "/sw.js";

function supported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** The VAPID key as pushManager.subscribe wants it: the raw bytes of the base64url text. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function usePushSubscription() {
  const [state, setState] = useState<PushState>("checking");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!supported()) return setState("unsupported");
    let cancelled = false;
    (async () => {
      const registration = await navigator.serviceWorker.register(WORKER_URL, { scope: "/" });
      const subscription = await registration.pushManager.getSubscription();
      // A subscription the browser holds is sent again: the server may have dropped it (another
      // user subscribed on this device since, or the row expired), and the POST is idempotent.
      if (subscription) await postJson("/api/v1/me/push-subscriptions", subscription.toJSON());
      if (!cancelled) setState(subscription ? "on" : Notification.permission === "denied" ? "denied" : "off");
    })().catch((failure: unknown) => {
      if (!cancelled) {
        setError(failure instanceof Error ? failure.message : String(failure));
        setState("off");
      }
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const run = useCallback(async (work: () => Promise<PushState>) => {
    setBusy(true);
    setError(null);
    try {
      setState(await work());
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }, []);

  const subscribe = useCallback(
    () =>
      run(async () => {
        if ((await Notification.requestPermission()) !== "granted") return "denied";
        const registration = await navigator.serviceWorker.ready;
        const { publicKey } = await getJson<{ publicKey: string }>("/api/v1/push/vapid-public-key");
        const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
        await postJson("/api/v1/me/push-subscriptions", subscription.toJSON());
        return "on";
      }),
    [run],
  );

  const unsubscribe = useCallback(
    () =>
      run(async () => {
        const registration = await navigator.serviceWorker.ready;
        const subscription = await registration.pushManager.getSubscription();
        if (subscription) {
          // The server first: should it fail, the browser still holds the subscription and can retry.
          await deleteJson("/api/v1/me/push-subscriptions", { endpoint: subscription.endpoint }).catch((failure: { status?: number }) => {
            if (failure.status !== 404) throw failure;
          });
          await subscription.unsubscribe();
        }
        return "off";
      }),
    [run],
  );

  return { state, busy, error, subscribe, unsubscribe };
}
