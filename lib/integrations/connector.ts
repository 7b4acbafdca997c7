/**
 * The one small interface every provider's connector implements (lib/integrations/connectors).
 * The sync processor only ever sees these shapes: it pulls page by page, writes a page's records
 * and the page's `nextCursor` in one transaction, and after a crash asks for the page after the
 * last cursor it committed. Cursors are opaque: the connector encodes whatever its provider needs
 * to resume (Shopify's page_info) and the processor stores it as given.
 */
export interface Page<T> {
  records: T[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

/** One line of an order, as far as demand planning cares. */
export interface ExternalOrderLine {
  /** The provider's id of the line: the key a line is upserted by, so a line seen twice counts once. */
  lineId: string;
  sku: string | null;
  /** Units of the line that count as sold (0 for a cancelled order). */
  quantity: number;
}

export interface ExternalOrder {
  orderId: string;
  /** The day the order was placed, in the shop's own time zone (YYYY-MM-DD): the sales day. */
  day: string;
  /** When the provider last changed the order: the incremental pull's watermark. */
  updatedAt: Date;
  lines: ExternalOrderLine[];
}

export interface ExternalInventoryLevel {
  sku: string | null;
  /** The provider's location: matched to a warehouse by the integration's settings or by name. */
  locationId: string;
  locationName: string;
  available: number;
}

export interface ConnectionCheck {
  /** What the provider calls the account (the shop's name), to show the admin they reached the right one. */
  accountName: string;
}

export interface PullOptions {
  signal: AbortSignal;
}

/** What the connector's requests cost so far. */
export interface ConnectorStats {
  requests: number;
  /** Answered 429 (and retried after Retry-After). */
  throttled: number;
  retried: number;
}

export interface Connector {
  readonly stats: ConnectorStats;
  checkConnection(options: PullOptions): Promise<ConnectionCheck>;
  /**
   * Orders changed at or after `since` (all orders when null), oldest change first. With a cursor
   * the pull continues where that cursor points and `since` is ignored (it is inside the cursor).
   */
  listOrders(args: { since: Date | null; cursor: string | null } & PullOptions): Promise<Page<ExternalOrder>>;
  /** Every inventory level at every location, page by page. */
  listInventoryLevels(args: { cursor: string | null } & PullOptions): Promise<Page<ExternalInventoryLevel>>;
}

/**
 * The provider refused the credentials (401/403). Retrying cannot help: the integration is marked
 * as needing attention and the job fails without further attempts.
 */
export class ProviderAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderAuthError";
  }
}

/** The provider answered something a retry would answer the same way (400, 404, a body we cannot read). */
export class ProviderRequestError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "ProviderRequestError";
  }
}

/** The provider kept failing (429s or 5xx past the client's own retries): a later attempt may succeed. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "ProviderUnavailableError";
  }
}
