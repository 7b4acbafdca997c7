"use client";

import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson, postJson } from "../api/api-client";
import type { NotificationPage, NotificationView } from "../api/types";
import { formatDateTime, formatRelative } from "../format";
import { useJobEvents } from "../job-events-provider";
import { jobHref, resultHref } from "../runs/job-links";
import { cx } from "../ui/cx";
import { Spinner } from "../ui/spinner";

const LIST_SIZE = 20;
/**
 * A finished-job event may reach the browser a moment before the worker's notification row is
 * committed; one follow-up read a little later catches it.
 */
const FOLLOW_UP_MS = 1_500;
/**
 * Queue alerts (admins) are written by the worker's once-a-minute evaluation and carry no job
 * event, so the stream cannot announce them: a slow poll picks them up on every page. It is one
 * indexed read per half minute; a dedicated SSE event would need the realtime stream to carry
 * non-job events to admins, which it does not today.
 */
const POLL_MS = 30_000;

function notificationHref(notification: NotificationView): string | null {
  if (notification.link) return notification.link;
  if (!notification.jobId || !notification.queue) return null;
  return notification.kind === "job.completed" ? resultHref(notification.queue, notification.jobId) : jobHref(notification.queue, notification.jobId);
}

function useNotifications() {
  return useQuery({
    queryKey: queryKeys.notifications.list(),
    queryFn: ({ signal }) => getJson<NotificationPage>(`/api/v1/notifications?limit=${LIST_SIZE}`, { signal }),
    // Finished-job events refresh the bell at once; the poll covers queue alerts, and the job
    // notifications too while the stream is down.
    refetchInterval: POLL_MS,
  });
}

/** The header's bell: unread count, and a panel of the latest notifications about the user's jobs. */
export function NotificationBell() {
  const queryClient = useQueryClient();
  const notifications = useNotifications();
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const headingId = useId();

  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);
  const lastRefresh = useRef(0);
  useJobEvents((event) => {
    if (event.event === "job:progress") return;
    // Admins receive every user's finished jobs; one read per burst is plenty.
    const now = Date.now();
    if (now - lastRefresh.current < 500) return;
    lastRefresh.current = now;
    void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all });
    timers.current.push(setTimeout(() => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all }), FOLLOW_UP_MS));
  });

  const markRead = useMutation({
    mutationFn: (which: { ids: string[] } | { all: true }) => postJson<{ updated: number; unreadCount: number }>("/api/v1/notifications/read", which),
    onMutate: (which) => {
      // The badge drops at once; the server's answer (and a refetch) settle the truth.
      const at = new Date().toISOString();
      queryClient.setQueryData<NotificationPage>(queryKeys.notifications.list(), (old) => {
        if (!old) return old;
        const ids = "ids" in which ? new Set(which.ids) : null;
        let cleared = 0;
        const list = old.notifications.map((notification) => {
          if (notification.readAt || (ids && !ids.has(notification.id))) return notification;
          cleared += 1;
          return { ...notification, readAt: at };
        });
        return { ...old, notifications: list, unreadCount: ids ? Math.max(0, old.unreadCount - cleared) : 0 };
      });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all }),
  });

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const unread = notifications.data?.unreadCount ?? 0;
  const badge = unread > 99 ? "99+" : String(unread);
  const list = notifications.data?.notifications ?? [];

  // A changed button label is not read out; a polite status line tells screen-reader users that
  // something new arrived without moving their focus.
  const [announcement, setAnnouncement] = useState("");
  const previousUnread = useRef<number | null>(null);
  useEffect(() => {
    if (!notifications.data) return;
    const before = previousUnread.current;
    previousUnread.current = unread;
    if (before === null || unread <= before) return;
    const newest = notifications.data.notifications.find((notification) => !notification.readAt);
    setAnnouncement(newest ? `New notification: ${newest.title}. ${unread} unread.` : `${unread} unread notifications.`);
  }, [notifications.data, unread]);

  return (
    <div className="relative">
      <span role="status" className="sr-only" data-testid="notification-announcement">
        {announcement}
      </span>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-haspopup="dialog"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
        data-testid="notification-bell"
        onClick={() => (open ? close(false) : setOpen(true))}
        className="relative inline-flex size-9 items-center justify-center rounded-md text-slate-700 transition-colors hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white dark:focus-visible:outline-indigo-400"
      >
        <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 ? (
          <span
            data-testid="notification-count"
            aria-hidden
            className="absolute -top-0.5 -right-0.5 inline-flex min-w-5 items-center justify-center rounded-full bg-red-600 px-1 text-[11px] leading-5 font-semibold text-white ring-2 ring-white tabular-nums dark:bg-red-500 dark:ring-slate-950"
          >
            {badge}
          </span>
        ) : null}
      </button>

      {open ? (
        <div
          ref={panelRef}
          id={panelId}
          role="dialog"
          aria-labelledby={headingId}
          tabIndex={-1}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.stopPropagation();
              close(true);
            }
          }}
          onBlur={(event) => {
            // Tabbing out of the panel closes it, as leaving a menu does.
            const next = event.relatedTarget as Node | null;
            if (next && !panelRef.current?.contains(next) && !buttonRef.current?.contains(next)) close(false);
          }}
          className="absolute right-0 z-40 mt-2 w-[22rem] max-w-[calc(100vw-2rem)] rounded-xl bg-white shadow-lg ring-1 ring-slate-200 focus:outline-none dark:bg-slate-900 dark:ring-slate-700"
          data-testid="notification-panel"
        >
          <div className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
            <h2 id={headingId} className="text-sm font-semibold text-slate-900 dark:text-white">
              Notifications
            </h2>
            <button
              type="button"
              disabled={unread === 0 || markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
              className="rounded text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:text-slate-500 disabled:no-underline dark:text-indigo-300 dark:disabled:text-slate-500"
            >
              Mark all read
            </button>
          </div>
          {markRead.isError ? (
            <p role="alert" className="border-b border-slate-200 px-4 py-2 text-xs text-red-700 dark:border-slate-800 dark:text-red-400">
              {errorMessage(markRead.error)}
            </p>
          ) : null}
          {notifications.isPending ? (
            <div className="flex justify-center p-6">
              <Spinner label="Loading notifications" />
            </div>
          ) : notifications.isError && !notifications.data ? (
            <p role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">
              Could not load notifications: {errorMessage(notifications.error)}
            </p>
          ) : list.length === 0 ? (
            <p className="px-4 py-8 text-center text-sm text-slate-600 dark:text-slate-400">Nothing yet. You will hear here when your jobs finish.</p>
          ) : (
            <ul className="max-h-[26rem] divide-y divide-slate-200 overflow-y-auto dark:divide-slate-800" aria-label="Latest notifications">
              {list.map((notification) => (
                <NotificationItem
                  key={notification.id}
                  notification={notification}
                  onOpen={() => {
                    if (!notification.readAt) markRead.mutate({ ids: [notification.id] });
                    close(false);
                  }}
                />
              ))}
            </ul>
          )}
          <div className="border-t border-slate-200 px-4 py-2.5 text-right dark:border-slate-800">
            <Link
              href="/my-runs"
              onClick={() => close(false)}
              className="rounded text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-indigo-300"
            >
              All my runs
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function NotificationItem({ notification, onOpen }: { notification: NotificationView; onOpen(): void }) {
  const href = notificationHref(notification);
  const unread = !notification.readAt;
  const alert = notification.kind === "queue.alert";
  const resolved = notification.kind === "queue.alert-resolved";
  const failed = notification.kind === "job.failed" || alert;
  const content = (
    <>
      <span className={cx("mt-1.5 size-2 shrink-0 rounded-full", unread ? (failed ? "bg-red-600 dark:bg-red-400" : "bg-indigo-600 dark:bg-indigo-400") : "bg-transparent")} aria-hidden />
      <span className="min-w-0 flex-1">
        <span className={cx("block text-sm text-slate-900 dark:text-slate-100", unread ? "font-semibold" : "font-medium")}>
          {alert || resolved ? <AlertKindIcon resolved={resolved} /> : null}
          {notification.title}
          {unread ? <span className="sr-only"> (unread)</span> : null}
        </span>
        <span className="line-clamp-2 block text-sm break-words text-slate-600 dark:text-slate-400">{notification.body}</span>
        <time className="block text-xs text-slate-600 dark:text-slate-400" dateTime={notification.createdAt} title={formatDateTime(notification.createdAt)}>
          {formatRelative(notification.createdAt)}
        </time>
      </span>
    </>
  );
  const itemClass = "flex w-full gap-3 px-4 py-3 text-left";
  return (
    <li data-testid="notification-item" data-unread={unread ? "true" : "false"}>
      {href ? (
        <Link
          href={href}
          onClick={onOpen}
          className={cx(itemClass, "hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800/60 dark:focus-visible:bg-slate-800/60")}
        >
          {content}
        </Link>
      ) : (
        <div className={itemClass}>{content}</div>
      )}
    </li>
  );
}

/** Marks queue alerts apart from job news: a red warning sign when one fires, a green check when it resolves. */
function AlertKindIcon({ resolved }: { resolved: boolean }) {
  return (
    <>
      <svg
        className={cx("mr-1.5 -mt-0.5 inline size-4 align-middle", resolved ? "text-emerald-600 dark:text-emerald-400" : "text-red-600 dark:text-red-400")}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden
      >
        {resolved ? <path d="m9 12 2 2 4-4m6 2a9 9 0 1 1-18 0 9 9 0 0 1 18 0z" /> : <path d="M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" />}
      </svg>
      {/* Resolved titles say so in words already. */}
      {resolved ? null : <span className="sr-only">Queue alert: </span>}
    </>
  );
}
