/**
 * Child-process host of a device pool: runs a PiscinaDevicePool here, so a native crash (a
 * segfaulting driver) kills this process and not the service. Speaks HostRequest/HostReply over
 * IPC with the 'advanced' serialization (ArrayBuffers cross as structured clones).
 */
import { PiscinaDevicePool } from './piscina-device-pool';
import type { HostReply, HostRequest } from './process-protocol';

let pool: PiscinaDevicePool | undefined;

function reply(message: HostReply): void {
  process.send?.(message);
}

async function handle(request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'start':
      pool = new PiscinaDevicePool({
        ...request.options,
        onWorkerRestart: (workerId, reason) => reply({ notice: 'worker-restart', workerId, reason }),
      });
      await pool.start();
      return null;
    case 'load':
      return requirePool().loadModel(request.payload);
    case 'unload':
      return requirePool().unloadModel(request.payload.key);
    case 'run':
      return requirePool().run(request.payload);
  }
}

function requirePool(): PiscinaDevicePool {
  if (!pool) throw new Error('pool host not started');
  return pool;
}

process.on('message', (request: HostRequest) => {
  handle(request).then(
    (result) => reply({ id: request.id, ok: true, result }),
    (err: Error) => reply({ id: request.id, ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(err) } }),
  );
});
// the parent went away: nothing left to serve
process.on('disconnect', () => process.exit(0));
