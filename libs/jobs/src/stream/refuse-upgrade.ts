import type { Duplex } from 'node:stream';

/**
 * Answers an Upgrade request that no WebSocket endpoint takes with a JSON 4xx and closes the
 * connection (Nest's adapter would drop it without a word: a client sending `Upgrade: h2c`, as
 * curl --http2 does on http://, got a hang-up on every route). A WebSocket handshake on another
 * path is a 404; any other protocol a 400. Node has already handed the socket over from the HTTP
 * parser, so the request cannot go on as plain HTTP.
 */
export function refuseUpgrade(socket: Duplex, path: string, protocol: string | undefined, streamPath: string): void {
  const websocket = String(protocol ?? '').toLowerCase() === 'websocket';
  const status = websocket ? '404 Not Found' : '400 Bad Request';
  const error = websocket
    ? `no WebSocket endpoint at ${path.slice(0, 200)}: the job result stream is ${streamPath}`
    : `Upgrade: ${String(protocol ?? '').slice(0, 40)} is not supported: send the request without Upgrade (WebSocket only on ${streamPath})`;
  const body = JSON.stringify({ error });
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
