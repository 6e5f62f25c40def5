/** A probe child whose "driver" hangs: it takes the request and never answers. */
process.once('message', () => setInterval(() => undefined, 1_000));
