import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { ConfigValidationError } from '../errors/config-validation.error';
import type { TenantSettings } from '../switchyard-config.interface';
import { authFileSchema } from './auth-file.schema';

const OPTION = 'SWITCHYARD_AUTH_FILE';

/**
 * Reads and validates the auth file (YAML, or JSON which YAML reads too). Every problem names
 * its line: YAML syntax errors by the parser's position, schema problems by the node their path
 * points at (or its nearest parent when the key is missing).
 */
export function readAuthFile(path: string): TenantSettings[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigValidationError([`${OPTION}: cannot read ${path}: ${(err as Error).message}`]);
  }
  return parseAuthText(text, path);
}

/** The tenants of an auth file's text; `path` only names the file in messages. */
export function parseAuthText(text: string, path: string): TenantSettings[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigValidationError(
      doc.errors.map((e) => `${OPTION}: ${path}:${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`),
    );
  }
  const parsed = authFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new ConfigValidationError(
      parsed.error.issues.map(
        (issue) => `${OPTION}: ${path}:${lineOf(doc, lines, issue.path)}: ${issue.path.join('.') || '(file)'}: ${issue.message}`,
      ),
    );
  }
  return parsed.data.tenants.map((t) => ({
    name: t.name,
    keyDigests: t.keys,
    scopes: t.scopes,
    limits: {
      requestsPerSecond: t.limits.requests_per_second,
      burst: t.limits.burst,
      maxInflight: t.limits.max_inflight,
      maxPriority: t.limits.max_priority,
      models: t.limits.models,
      devices: t.limits.devices,
      jobsQueued: t.limits.jobs_queued,
    },
  }));
}

function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}
