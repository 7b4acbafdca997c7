import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of the real Redis that can hold Redis's replies back: commands reach Redis
 * at once (so it runs them), but their answers reach the client only later, or when released. This
 * is the "Redis accepted it, the client timed out" window, made on purpose.
 */
export class ReplyHoldingProxy {
  private holdUntil = 0;
  private holdForever = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly held: { socket: Socket; chunk: Buffer }[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: string = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"): Promise<ReplyHoldingProxy> {
    const { hostname, port } = new URL(target);
    let proxy: ReplyHoldingProxy;
    const server = createServer((client) => {
      const upstream = connect(Number(port || 6379), hostname);
      proxy.sockets.add(client).add(upstream);
      client.on("data", (chunk) => upstream.write(chunk));
      upstream.on("data", (chunk) => proxy.deliver(client, chunk));
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("close", close).on("error", close);
      upstream.on("close", close).on("error", close);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy = new ReplyHoldingProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Replies arriving from now on wait `ms` (or until `release()` for "forever"), then go out in order. */
  holdReplies(ms: number | "forever"): void {
    if (ms === "forever") this.holdForever = true;
    else {
      this.holdUntil = Date.now() + ms;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.holdUntil = 0;
        this.flush();
      }, ms);
    }
  }

  release(): void {
    this.holdForever = false;
    this.holdUntil = 0;
    this.flush();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(socket: Socket, chunk: Buffer): void {
    // Once anything is held, later replies queue behind it, so the order never changes.
    if (this.holdForever || Date.now() < this.holdUntil || this.held.length > 0) this.held.push({ socket, chunk });
    else socket.write(chunk);
  }

  private flush(): void {
    if (this.holdForever || Date.now() < this.holdUntil) return;
    for (const { socket, chunk } of this.held.splice(0)) socket.write(chunk);
  }
}
