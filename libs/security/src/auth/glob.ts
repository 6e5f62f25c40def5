/** A matcher for allow-list globs: `*` is any run of characters, `?` one character. */
export function globMatcher(globs: readonly string[] | undefined): (value: string) => boolean {
  if (globs === undefined) return () => true;
  const patterns = globs.map(
    (g) =>
      new RegExp(
        `^${g
          .split('*')
          .map((part) => part.split('?').map(escape).join('.'))
          .join('.*')}$`,
      ),
  );
  return (value) => patterns.some((p) => p.test(value));
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}
