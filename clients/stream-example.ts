/**
 * Submits jobs on Switchyard's result stream, cuts the connection halfway through, and shows that
 * the client resumes where it was and gets every result once, in order.
 *   node dist/clients/stream-example.js [http://127.0.0.1:8000] [jobs]
 * (needs a server started with SWITCHYARD_REDIS_URL and the mlp_tiny demo model)
 */
import { SwitchyardStreamClient, type StreamResult } from './switchyard-stream-client';

async function main(): Promise<void> {
  const url = process.argv[2] ?? 'http://127.0.0.1:8000';
  const count = Number(process.argv[3] ?? 20);
  const client = new SwitchyardStreamClient({ url });
  client.on('error', (err: Error) => console.error(`stream error: ${err.message}`));
  client.on('disconnected', (code: number) => console.log(`connection lost (${code}); reconnecting after seq ${client.lastSeq}`));
  await client.connect();
  console.log(`stream ${client.streamId}`);

  const requests = Array.from({ length: count }, (_, i) => ({
    model_name: 'mlp_tiny',
    inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from({ length: 16 }, (_, k) => Math.sin(i + k)) }],
  }));
  const { jobIds } = await client.submit({ requests });
  const results: StreamResult[] = [];
  await new Promise<void>((resolve) => {
    client.on('result', (r: StreamResult) => {
      results.push(r);
      console.log(`#${r.seq} ${r.job_id} ${r.state} on ${r.node ?? '?'} / ${r.device ?? '?'}`);
      if (results.length === Math.floor(count / 2)) client.dropConnection();
      if (results.length === jobIds.length) resolve();
    });
  });
  console.log(`${results.length} results over ${client.connections} connections, in order: ${results.every((r, i) => r.seq === i + 1)}`);
  client.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
