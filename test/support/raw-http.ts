import { connect, type Socket } from 'node:net';

export interface RawHttpResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends exactly `request` (request line, headers and body as given) over a fresh TCP connection
 * and reads one response with a Content-Length body: for reproducing a client's bytes verbatim.
 */
export function sendRawHttp(url: string, request: Buffer): Promise<RawHttpResponse> {
  const { socket, response } = openRawHttp(url);
  socket.write(request);
  return response;
}

/**
 * A fresh TCP connection to write a request on piece by piece (a slow or chunked client), and its
 * one response, which may come before the request is complete. The socket is closed once the
 * response is read; close it yourself to abandon the request.
 */
export function openRawHttp(url: string, timeoutMs = 30_000): { socket: Socket; response: Promise<RawHttpResponse> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const response = new Promise<RawHttpResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('raw HTTP response timed out')), timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('the connection closed before a response'));
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const parsed = tryParse(Buffer.concat(chunks));
      if (parsed) {
        clearTimeout(timer);
        resolve(parsed);
        socket.destroy();
      }
    });
  });
  response.catch(() => undefined); // a caller that abandons the request does not await it
  return { socket, response };
}

function tryParse(data: Buffer): RawHttpResponse | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.toString('latin1', 0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers['content-length'] === undefined) throw new Error(`response without Content-Length: ${statusLine}`);
  const length = Number(headers['content-length']);
  if (data.length < end + 4 + length) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body: data.subarray(end + 4, end + 4 + length) };
}
