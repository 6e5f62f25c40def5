import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, between two real processes (a node and its peer, a node and its
 * remote tier, a node and Redis): `cut()` drops every open connection and refuses new ones (what a
 * network split looks like to both ends), `restore()` lets traffic through again. The proxy's own
 * port stays bound while cut, so a client sees connection resets, not a port taken by someone else.
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private linked = true;
  private listening?: number;
  /** Connections accepted and forwarded since start (a test can show that traffic went through). */
  connections = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    // half-open: a client that ends its side still gets the answer, as through a real link
    this.server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
  }

  /** A proxy on a free local port that forwards to `targetHost:targetPort`. */
  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.listening = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get port(): number {
    if (this.listening === undefined) throw new Error('TcpProxy is not listening');
    return this.listening;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isCut(): boolean {
    return !this.linked;
  }

  /** Drops every open connection (both directions, with a reset) and refuses new ones. */
  cut(): void {
    this.linked = false;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  restore(): void {
    this.linked = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (!this.linked) {
      client.resetAndDestroy();
      return;
    }
    this.connections += 1;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort, allowHalfOpen: true });
    this.track(client);
    this.track(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
