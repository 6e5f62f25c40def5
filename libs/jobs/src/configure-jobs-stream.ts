import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { SwitchyardConfig } from '@switchyard/config';
import { STREAM_PATH } from './jobs.constants';
import { refuseUpgrade } from './stream/refuse-upgrade';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * ws with the HTTP side's payload limit: a frame larger than a request body may be is refused
 * by ws itself (close code 1009) before it is buffered whole. An Upgrade request for any other
 * path or protocol gets a JSON 4xx instead of a dropped connection.
 */
class LimitedWsAdapter extends WsAdapter {
  constructor(
    app: INestApplication,
    private readonly maxPayload: number,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> & { namespace?: string; server?: unknown; path?: string } = {}): unknown {
    return super.create(port, { ...options, maxPayload: this.maxPayload }) as unknown;
  }

  protected override ensureHttpServerExists(port: number, httpServer?: Server): Server | undefined {
    const known = this.httpServersRegistry.has(port);
    const server = super.ensureHttpServerExists(port, httpServer);
    if (known || !server) return server;
    // Nest's listener (just added, the last one) drops upgrades for paths it does not serve
    const nest = server.listeners('upgrade').at(-1) as UpgradeListener;
    server.off('upgrade', nest);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '/').split('?')[0];
      const served = (this.wsServersRegistry.get(port) as Array<{ path?: string }> | undefined)?.some((ws) => ws.path === path);
      if (served) nest(request, socket, head);
      else refuseUpgrade(socket, path, request.headers.upgrade, STREAM_PATH);
    });
    return server;
  }
}

/**
 * Serves the result stream's WebSocket (ws, on the app's own HTTP server), frames limited like
 * request bodies (the smaller of SWITCHYARD_BODY_LIMIT_BYTES and SWITCHYARD_MAX_INFLIGHT_BYTES).
 * Call after NestFactory.create and before app.init()/listen(), like configureInferenceHttp:
 * without a WebSocket adapter Nest would look for socket.io and exit.
 */
export function configureJobsStream(app: INestApplication, config: SwitchyardConfig): void {
  const { bodyLimitBytes, maxInflightBytes } = config.http;
  app.useWebSocketAdapter(new LimitedWsAdapter(app, maxInflightBytes > 0 ? Math.min(bodyLimitBytes, maxInflightBytes) : bodyLimitBytes));
}
