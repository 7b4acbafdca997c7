/**
 * Every TanStack Query key the UI uses. Keys are hierarchical so one invalidation can reach a
 * family: `queryKeys.jobs.all` covers job lists and single-job statuses alike, which is what a
 * realtime event or an SSE reconnect needs.
 */
export const queryKeys = {
  products: {
    all: ["products"] as const,
    search: (term: string) => ["products", "search", term] as const,
    detail: (id: string, days: number) => ["products", "detail", id, { days }] as const,
    overview: (id: string) => ["products", "overview", id] as const,
  },
  /** Saved optimisation results and the reorder list built on them. */
  inventory: {
    all: ["inventory"] as const,
    optimization: (id: string) => ["inventory", "optimization", id] as const,
    reorder: () => ["inventory", "reorder"] as const,
  },
  exports: {
    all: ["exports"] as const,
    list: (limit: number) => ["exports", "list", limit] as const,
  },
  /** Uploads' previews and mappings, the organisation's import history and reports. */
  imports: {
    all: ["imports"] as const,
    entities: () => ["imports", "entities"] as const,
    preview: (uploadId: string, sheet: string | null) => ["imports", "preview", uploadId, { sheet }] as const,
    mapping: (uploadId: string, entityType: string, sheet: string | null) => ["imports", "mapping", uploadId, entityType, { sheet }] as const,
    history: () => ["imports", "history"] as const,
    detail: (jobId: string) => ["imports", "detail", jobId] as const,
  },
  forecasts: {
    all: ["forecasts"] as const,
    detail: (id: string) => ["forecasts", "detail", id] as const,
  },
  reports: {
    all: ["reports"] as const,
    detail: (id: string) => ["reports", "detail", id] as const,
  },
  jobs: {
    all: ["jobs"] as const,
    recentAll: ["jobs", "recent"] as const,
    recent: (queue: string, mine: boolean) => ["jobs", "recent", queue, { mine }] as const,
    status: (queue: string, jobId: string) => ["jobs", "status", queue, jobId] as const,
    /** One page of a queue's jobs in one state (admin queue page). */
    queueList: (queue: string, state: string, page: number, pageSize: number) => ["jobs", "queue-list", queue, { state, page, pageSize }] as const,
    queueListAll: (queue: string) => ["jobs", "queue-list", queue] as const,
    /** Ledger search; `params` is the canonical query string. */
    search: (params: string) => ["jobs", "search", params] as const,
    details: (queue: string, jobId: string) => ["jobs", "details", queue, jobId] as const,
    /** A batch's progress; under ["jobs"] so an SSE resync re-reads it. */
    batch: (batchId: string) => ["jobs", "batch", batchId] as const,
  },
  queues: {
    all: ["queues"] as const,
    overview: () => ["queues", "overview"] as const,
    settings: (queue: string) => ["queues", "settings", queue] as const,
  },
  /** Outside `queues`: chart series refetch on their own clock, not on every job event. */
  metrics: {
    all: ["metrics"] as const,
    series: (queue: string, range: string) => ["metrics", queue, range] as const,
  },
  workers: () => ["workers"] as const,
  schedules: { all: ["schedules"] as const },
  /** Queue alerts firing now (admin overview); polled on their own clock, like the health strip. */
  alerts: {
    all: ["alerts"] as const,
    firing: () => ["alerts", "firing"] as const,
  },
  redisHealth: () => ["redis-health"] as const,
  audit: {
    all: ["audit"] as const,
    list: (filters: Record<string, string>) => ["audit", "list", filters] as const,
  },
  health: () => ["health"] as const,
  /** The failed-jobs desk; job events invalidate it like any job view. */
  failed: {
    all: ["jobs", "failed-desk"] as const,
    groups: (filters: { queue: string; q: string; sort: string }) => ["jobs", "failed-desk", "groups", filters] as const,
    groupJobs: (fingerprint: string) => ["jobs", "failed-desk", "group", fingerprint] as const,
  },
  bulkActions: {
    all: ["bulk-actions"] as const,
    list: (limit: number) => ["bulk-actions", "list", limit] as const,
    detail: (id: string) => ["bulk-actions", "detail", id] as const,
  },
  /** "My runs" pages; under ["jobs"] so an SSE resync re-reads them with every other job view. */
  myRuns: {
    all: ["jobs", "mine"] as const,
    list: (filters: { queue: string; state: string }) => ["jobs", "mine", filters] as const,
  },
  notifications: {
    all: ["notifications"] as const,
    list: () => ["notifications", "list"] as const,
  },
  integrations: { all: ["integrations"] as const },
  /** The caller's notification settings (which events reach which channels, the phone number). */
  notificationPreferences: ["notification-preferences"] as const,
  organizations: {
    all: ["organizations"] as const,
    list: () => ["organizations", "list"] as const,
  },
};
