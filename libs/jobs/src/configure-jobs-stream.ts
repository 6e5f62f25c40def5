import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';

/**
 * Serves the result stream's WebSocket (ws, on the app's own HTTP server). Call after
 * NestFactory.create and before app.init()/listen(), like configureInferenceHttp: without a
 * WebSocket adapter Nest would look for socket.io and exit.
 */
export function configureJobsStream(app: INestApplication): void {
  app.useWebSocketAdapter(new WsAdapter(app));
}
