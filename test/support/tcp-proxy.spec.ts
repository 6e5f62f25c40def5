import { createServer, type AddressInfo, type Server } from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** An echo server on a free port. */
async function echoServer(): Promise<Server> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}

async function roundTrip(port: number, text: string): Promise<string> {
  // raw TCP: an echo answers with what was sent
  const { createConnection } = await import('node:net');
  return new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.end(text));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('TcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = await TcpProxy.start((echo.address() as AddressInfo).port);
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('forwards bytes both ways while linked', async () => {
    await expect(roundTrip(proxy.port, 'ping')).resolves.toBe('ping');
    expect(proxy.connections).toBeGreaterThan(0);
  });

  it('refuses connections while cut and forwards again after restore', async () => {
    proxy.cut();
    expect(proxy.isCut).toBe(true);
    await expect(roundTrip(proxy.port, 'lost')).rejects.toThrow(/ECONNRESET|socket hang up|EPIPE/);
    proxy.restore();
    await expect(roundTrip(proxy.port, 'back')).resolves.toBe('back');
  });
});
