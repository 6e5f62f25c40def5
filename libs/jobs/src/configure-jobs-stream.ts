import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { SwitchyardConfig } from '@switchyard/config';

/**
 * ws with the HTTP side's payload limit: a frame larger than a request body may be is refused
 * by ws itself (close code 1009) before it is buffered whole.
 */
class LimitedWsAdapter extends WsAdapter {
  constructor(
    app: INestApplication,
    private readonly maxPayload: number,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> & { namespace?: string; server?: unknown; path?: string } = {}) {
    return super.create(port, { ...options, maxPayload: this.maxPayload });
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
