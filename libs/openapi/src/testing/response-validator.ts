import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

type Json = Record<string, unknown>;

/**
 * Checks real answers against an OpenAPI document: the status must be one the operation lists,
 * and a JSON body must match the schema of that status. Returns the problem, or undefined.
 */
export class ResponseValidator {
  private readonly ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Json) {
    const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
    this.ajv.addSchema({ $id: 'openapi-components', components: { schemas } });
  }

  problem(method: string, path: string, status: number, contentType: string | null, body: unknown): string | undefined {
    const op = ((this.doc.paths as Record<string, Json>)[path]?.[method.toLowerCase()] ?? undefined) as Json | undefined;
    if (!op) return `${method} ${path} is not documented`;
    const response = (op.responses as Record<string, Json>)[String(status)];
    if (!response)
      return `${method} ${path} answered ${status}, which the document does not list (${Object.keys(op.responses as Json).join(', ')})`;
    const media = (contentType ?? '').split(';')[0].trim();
    const content = response.content as Record<string, { schema?: Json }> | undefined;
    if (!content) return undefined;
    const documented = content[media] ?? content[`${media.split('/')[0]}/*`] ?? content['*/*'];
    if (!documented)
      return `${method} ${path} ${status} answered ${media || 'no Content-Type'}, the document says ${Object.keys(content).join(' or ')}`;
    if (media !== 'application/json' || !documented.schema) return undefined;
    const key = `${method} ${path} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(documented.schema));
      this.compiled.set(key, validate);
    }
    if (validate(body)) return undefined;
    return `${key}: the body does not match its schema: ${this.ajv.errorsText(validate.errors)}`;
  }
}

/** Points the document's local $refs at the components registered with ajv. */
function rebase(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"openapi-components#/')) as Json;
}
