import Ajv2020 from 'ajv/dist/2020';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PARAMETER_PLACES = ['query', 'header', 'path', 'cookie'];
const STATUS = /^([1-5](\d\d|XX)|default)$/;

/**
 * A structural check of an OpenAPI 3.x document (no OAS meta-schema is installed): version and
 * info, paths and operations, unique operationIds, path templates matched by required path
 * parameters, responses with descriptions, every $ref resolving, and every schema compiling as
 * JSON Schema 2020-12 (ajv). Returns the problems found, [] when none.
 */
export function checkOpenApiDocument(doc: Json): string[] {
  const problems: string[] = [];
  if (typeof doc.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(doc.openapi))
    problems.push(`openapi: "${String(doc.openapi)}" is not 3.0.x or 3.1.x`);
  const info = doc.info as Json | undefined;
  if (typeof info?.title !== 'string' || typeof info.version !== 'string') problems.push('info needs a title and a version (strings)');
  const paths = doc.paths as Record<string, Json> | undefined;
  if (!paths || typeof paths !== 'object') return [...problems, 'paths is missing'];
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/')) problems.push(`path "${path}" does not start with /`);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.includes(method)) {
        problems.push(`${where}: "${method}" is not an HTTP method`);
        continue;
      }
      problems.push(...checkOperation(where, path, op as Json, operationIds));
    }
  }
  problems.push(...checkRefs(doc, doc, '#'));
  problems.push(...checkSchemas(doc));
  return problems;
}

function checkOperation(where: string, path: string, op: Json, operationIds: Set<string>): string[] {
  const problems: string[] = [];
  const id = op.operationId;
  if (typeof id === 'string') {
    if (operationIds.has(id)) problems.push(`${where}: operationId "${id}" is used twice`);
    operationIds.add(id);
  }
  const params = (op.parameters ?? []) as Json[];
  for (const p of params) {
    if (typeof p.name !== 'string' || !PARAMETER_PLACES.includes(p.in as string))
      problems.push(`${where}: a parameter needs a name and "in"`);
    if (p.schema === undefined && p.content === undefined) problems.push(`${where}: parameter ${String(p.name)} has no schema`);
    if (p.in === 'path' && p.required !== true) problems.push(`${where}: path parameter ${String(p.name)} must be required`);
  }
  const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const declared = params.filter((p) => p.in === 'path').map((p) => p.name as string);
  for (const name of templated) if (!declared.includes(name)) problems.push(`${where}: {${name}} has no path parameter`);
  for (const name of declared) if (!templated.includes(name)) problems.push(`${where}: path parameter ${name} is not in the path`);
  const responses = op.responses as Record<string, Json> | undefined;
  if (!responses || Object.keys(responses).length === 0) problems.push(`${where}: no responses`);
  for (const [status, response] of Object.entries(responses ?? {})) {
    if (!STATUS.test(status)) problems.push(`${where}: response key "${status}" is not a status code`);
    if (typeof response.description !== 'string') problems.push(`${where} ${status}: a response needs a description`);
  }
  const body = op.requestBody as Json | undefined;
  if (body && (typeof body.content !== 'object' || Object.keys(body.content as Json).length === 0))
    problems.push(`${where}: requestBody has no content`);
  return problems;
}

function checkRefs(root: Json, node: unknown, at: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  if (Array.isArray(node)) return node.flatMap((v, i) => checkRefs(root, v, `${at}/${i}`));
  const problems: string[] = [];
  const ref = (node as Json).$ref;
  if (typeof ref === 'string' && resolve(root, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
  for (const [k, v] of Object.entries(node)) problems.push(...checkRefs(root, v, `${at}/${k}`));
  return problems;
}

function resolve(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

/** Every component schema, with the components around it so that $refs between them resolve. */
function checkSchemas(doc: Json): string[] {
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'openapi-components', components: { schemas } });
  const problems: string[] = [];
  for (const name of Object.keys(schemas)) {
    try {
      ajv.compile({ $ref: `openapi-components#/components/schemas/${name}` });
    } catch (err) {
      problems.push(`components/schemas/${name}: ${(err as Error).message}`);
    }
  }
  return problems;
}
