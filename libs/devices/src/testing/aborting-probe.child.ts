/** A probe child whose "driver" crashes: it aborts (SIGABRT) as soon as it gets its request. */
process.once('message', () => {
  process.stderr.write('fake driver: assertion failed in vkCreateDevice\n');
  process.abort();
});
