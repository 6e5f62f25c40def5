import Ajv2020 from 'ajv/dist/2020';
import { readJobSubmission } from '@switchyard/jobs/testing';
import { feedbackBodySchema, rolloutSpecSchema } from '@switchyard/rollouts';
import { z } from 'zod';
import { checkOpenApiDocument } from '../testing/check-openapi-document';
import { buildOpenApiDocument, OPERATIONS } from './openapi-document';

type Json = Record<string, any>;

describe(buildOpenApiDocument.name, () => {
  const sut: Json = buildOpenApiDocument('1.2.3');

  it('is a structurally valid OpenAPI 3.1 document', () => {
    expect(sut.openapi).toBe('3.1.0');
    expect(sut.info.version).toBe('1.2.3');
    expect(checkOpenApiDocument(sut)).toEqual([]);
  });

  it('documents each operation once, under its path and method', () => {
    const count = Object.values(sut.paths as Record<string, Json>).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(count).toBe(OPERATIONS.length);
  });

  it('takes the rollout and feedback bodies from the validators the server runs', () => {
    const { $schema: _a, ...rollout } = z.toJSONSchema(rolloutSpecSchema, { io: 'input', unrepresentable: 'any' });
    const { $schema: _b, ...feedback } = z.toJSONSchema(feedbackBodySchema, { io: 'input', unrepresentable: 'any' });
    expect(sut.components.schemas.RolloutSpec).toEqual(rollout);
    expect(sut.components.schemas.Feedback).toEqual(feedback);
    expect(sut.components.schemas.RolloutSpec.properties.mode.enum).toEqual(['canary', 'shadow']);
  });

  it('describes job submissions as readJobSubmission reads them', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'c', components: sut.components });
    const documented = ajv.compile({ $ref: 'c#/components/schemas/JobSubmission' });
    const inputs = [{ name: 'input', datatype: 'FP32', shape: [1, 2], data: [1, 2] }];
    const limits = { maxBatch: 10, defaultPriority: 5 };
    const bodies: unknown[] = [
      { model_name: 'mlp_tiny', inputs },
      { model_name: 'mlp_tiny', model_version: '2', priority: 1, deadline_ms: 500, idempotency_key: 'k-1', inputs },
      {
        requests: [
          { model_name: 'a', inputs },
          { model_name: 'b', inputs, priority: 3 },
        ],
        deadline_ms: 100,
      },
      { model_name: '../etc', inputs },
      { model_name: 'a', model_version: 1, inputs },
      { model_name: 'a', model_version: 'v1', inputs },
      { model_name: 'a', inputs, priority: 0 },
      { model_name: 'a', inputs, priority: 1.5 },
      { model_name: 'a', inputs, priority: 1_000_001 },
      { model_name: 'a', inputs, deadline_ms: -3 },
      { model_name: 'a', inputs, idempotency_key: '' },
      { model_name: 'a', inputs, idempotency_key: 'has space' },
      { requests: [] },
      { requests: [{ model_name: 'a', inputs }], priority: 0 },
    ];
    for (const body of bodies) {
      const server = (() => {
        try {
          readJobSubmission(body, limits);
          return true;
        } catch {
          return false;
        }
      })();
      expect({ body, documented: documented(body) }).toEqual({ body, documented: server });
    }
  });

  it('gives request body examples that match their own schemas', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'c', components: sut.components });
    let checked = 0;
    for (const item of Object.values(sut.paths as Record<string, Json>)) {
      for (const op of Object.values(item)) {
        const json = op.requestBody?.content['application/json'];
        if (json?.example === undefined) continue;
        // a component by $ref, or an inline schema
        const validate = ajv.compile(
          json.schema.$ref === undefined ? json.schema : { $ref: `c#/components/schemas/${json.schema.$ref.split('/').pop()}` },
        );
        expect({ op: op.operationId, valid: validate(json.example), errors: validate.errors ?? null }).toEqual({
          op: op.operationId,
          valid: true,
          errors: null,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe(checkOpenApiDocument.name, () => {
  const valid = (): Json => buildOpenApiDocument('0.0.0');

  it.each([
    ['a wrong version', (d: Json) => (d.openapi = '2.0'), /not 3\.0\.x or 3\.1\.x/],
    [
      'a templated path without its parameter',
      (d: Json) => (d.paths['/v2/models/{model}'].get.parameters = []),
      /\{model\} has no path parameter/,
    ],
    [
      'a $ref to nothing',
      (d: Json) => (d.paths['/v2'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' }),
      /does not resolve/,
    ],
    ['a duplicate operationId', (d: Json) => (d.paths['/v2/health/live'].get.operationId = 'serverMetadata'), /used twice/],
    ['a response without a description', (d: Json) => delete d.paths['/v2'].get.responses['200'].description, /needs a description/],
    ['a schema that does not compile', (d: Json) => (d.components.schemas.Live = { type: 'nonsense' }), /components\/schemas\/Live/],
  ])('finds %s', (_what, spoil, message) => {
    const doc = valid();
    spoil(doc);
    expect(checkOpenApiDocument(doc).join('\n')).toMatch(message);
  });
});
