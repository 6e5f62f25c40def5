import type { OperationSpec } from './operation-spec';

const OBJECT = { type: 'object' };

/** Switchyard's own API: jobs and their result stream, devices, scheduler, stats, rollouts, feedback. */
export const V1_OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/jobs',
    operationId: 'submitJobs',
    summary: 'Submit one inference job or a batch of them (docs/jobs.md)',
    tag: 'v1 jobs',
    headers: [{ name: 'Idempotency-Key', description: 'A retried submission with the same key returns the same job ids' }],
    body: {
      schema: 'JobSubmission',
      required: true,
      example: {
        model_name: 'mlp_tiny',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: new Array<number>(16).fill(0.5) }],
      },
    },
    responses: {
      202: { description: 'Enqueued', schema: 'JobAccepted' },
      400: 'Malformed, or not matching the model',
      404: 'Unknown model or version',
      409: 'Idempotency key reused with a different body',
      503: 'The jobs store is unavailable; Retry-After',
    },
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}',
    operationId: 'getJob',
    summary: 'A job: state, progress, timings and, once completed, its result',
    tag: 'v1 jobs',
    responses: { 200: { description: 'The job', schema: 'JobView' }, 404: 'Unknown or expired job', 503: 'The jobs store is unavailable' },
  },
  {
    method: 'delete',
    path: '/v1/jobs/{id}',
    operationId: 'cancelJob',
    summary: 'Cancel a job that has not started',
    tag: 'v1 jobs',
    responses: {
      200: { description: 'The job after cancelling', schema: 'JobView' },
      404: 'Unknown or expired job',
      409: 'The job has started or finished: only a job that has not started can be cancelled',
      503: 'The jobs store is unavailable',
    },
  },
  {
    method: 'get',
    path: '/v1/stream',
    operationId: 'resultStream',
    summary: 'The result stream (WebSocket): submit jobs and receive their outcomes, resumable',
    description:
      'Upgrade to a WebSocket. JSON text frames {"event", "data"}: the client sends "submit" (a POST /v1/jobs body with an optional ref); ' +
      'the server sends "ready" {stream, after, last_seq}, "accepted", "rejected", "result" (numbered per stream by seq) and "error" ' +
      '(then closes with 4000 + the HTTP status). Reconnect with ?stream=<id>&after=<last seq> to receive what was missed, in order.',
    tag: 'v1 jobs',
    websocket: true,
    query: [
      { name: 'stream', description: 'The stream to resume (the id "ready" gave)', schema: { type: 'string', pattern: '^[\\w-]{8,128}$' } },
      { name: 'after', description: 'Last sequence number received', schema: { type: 'integer', minimum: 0 } },
    ],
    responses: { 101: { description: 'Switching to the WebSocket; frames are StreamMessage', schema: 'StreamMessage' } },
  },
  {
    method: 'get',
    path: '/v1/devices',
    operationId: 'devices',
    summary: 'The device inventory, each usable device with its health, and the execution providers probed',
    tag: 'v1 operations',
    responses: { 200: { description: 'Devices (docs/devices.md)', schema: OBJECT } },
  },
  {
    method: 'get',
    path: '/v1/scheduler',
    operationId: 'scheduler',
    summary: 'Policies, service-time estimates, queues, calibration and recent decisions',
    tag: 'v1 operations',
    responses: { 200: { description: 'Scheduler state (docs/scheduler.md)', schema: OBJECT } },
  },
  {
    method: 'get',
    path: '/v1/stats',
    operationId: 'stats',
    summary: 'The live JSON view the status page polls',
    tag: 'v1 operations',
    responses: { 200: { description: 'A stats snapshot (docs/metrics.md)', schema: OBJECT } },
  },
  {
    method: 'put',
    path: '/v1/models/{model}/rollout',
    operationId: 'putRollout',
    pathExamples: { model: 'mlp_versions' },
    summary: 'Start (or replace) a canary or shadow rollout of a candidate version',
    tag: 'v1 rollouts',
    body: { schema: 'RolloutSpec', required: true, example: { primary: '1', candidate: '2', mode: 'canary', weight: 10 } },
    responses: {
      200: { description: 'The rollout', schema: 'RolloutState' },
      400: 'Invalid rollout (names each bad field)',
      404: 'Unknown model or version',
    },
  },
  {
    method: 'get',
    path: '/v1/models/{model}/rollout',
    operationId: 'getRollout',
    pathExamples: { model: 'mlp_versions' },
    summary: 'The rollout of a model, with its analysis steps',
    tag: 'v1 rollouts',
    responses: { 200: { description: 'The rollout', schema: 'RolloutState' }, 404: 'No rollout for this model' },
  },
  {
    method: 'delete',
    path: '/v1/models/{model}/rollout',
    operationId: 'abortRollout',
    pathExamples: { model: 'mlp_versions' },
    summary: 'Abort a rollout (traffic returns to the primary)',
    tag: 'v1 rollouts',
    responses: { 200: { description: 'The aborted rollout', schema: 'RolloutState' }, 404: 'No rollout for this model' },
  },
  {
    method: 'post',
    path: '/v1/feedback',
    operationId: 'feedback',
    summary: 'Judge an earlier answer (by its request id): right or wrong, or the true label',
    tag: 'v1 rollouts',
    body: { schema: 'Feedback', required: true, example: { request_id: 'example-1', correct: true } },
    responses: {
      200: {
        description: 'Recorded',
        schema: {
          type: 'object',
          properties: {
            request_id: { type: 'string' },
            model: { type: 'string' },
            version: { type: 'string' },
            correct: { type: 'boolean' },
          },
          required: ['request_id', 'model', 'version', 'correct'],
        },
      },
      400: 'Invalid body, or feedback already given',
      404: 'No such answered request remembered',
    },
  },
  {
    method: 'get',
    path: '/v1/signing-key',
    operationId: 'signingKey',
    summary: 'The ed25519 public key that verifies Switchyard-Signature headers (docs/security.md)',
    tag: 'v1 security',
    responses: {
      200: {
        description: 'The key',
        schema: {
          type: 'object',
          properties: { algorithm: { const: 'ed25519' }, key_id: { type: 'string' }, public_key_pem: { type: 'string' } },
          required: ['algorithm', 'key_id', 'public_key_pem'],
        },
      },
      404: 'Responses are not signed here (SWITCHYARD_SIGNING_KEY is not set)',
    },
  },
  {
    method: 'get',
    path: '/v1/cluster',
    operationId: 'cluster',
    summary: 'The nodes sharing what they learned: their state versions, peers, the last merge (docs/cluster.md)',
    tag: 'v1 cluster',
    responses: { 200: { description: 'The merged view', schema: OBJECT } },
  },
  {
    method: 'post',
    path: '/v1/cluster/sync',
    operationId: 'clusterSync',
    summary: "The push-pull exchange between peers: the sender's merged state in, this node's merged state out",
    tag: 'v1 cluster',
    body: {
      schema: {
        type: 'object',
        properties: { from: { type: 'string', pattern: '^[\\w.:-]{1,128}$' }, state: { type: 'object', properties: { nodes: OBJECT } } },
        required: ['from', 'state'],
      },
      required: true,
      example: { from: 'example-node', state: { nodes: {} } },
    },
    responses: {
      200: {
        description: 'The merged state',
        schema: { type: 'object', properties: { from: { type: 'string' }, state: OBJECT }, required: ['from', 'state'] },
      },
      400: 'A malformed state (names the bad field); nothing is merged',
    },
  },
];
