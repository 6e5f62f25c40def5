import { feedbackBodySchema, rolloutSpecSchema } from '@switchyard/rollouts';
import { jobAcceptedSchema, jobSubmissionSchema, jobViewSchema, streamMessageSchema } from './jobs-schemas';
import * as kserve from './kserve-schemas';
import { type JsonSchema, jsonSchemaOf } from './operation-spec';

const ROLLOUT_STATE: JsonSchema = {
  type: 'object',
  description: 'A rollout as stored and shown (libs/rollouts RolloutState)',
  properties: {
    spec: { type: 'object' },
    status: { type: 'string', enum: ['progressing', 'paused', 'promoted', 'rolled_back', 'aborted'] },
    weight: { type: 'number' },
    failed_checks: { type: 'integer' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    reason: { type: 'string' },
    steps: { type: 'array', items: { type: 'object' } },
    accuracy: { type: 'object' },
    shadow: { type: 'object' },
  },
  required: ['spec', 'status', 'weight', 'failed_checks', 'created_at', 'updated_at', 'reason', 'steps', 'accuracy', 'shadow'],
};

/**
 * components/schemas: request bodies as the server reads them (zod input side: defaults optional),
 * responses as it writes them (output side). The rollout and feedback bodies are the validators
 * the rollouts module runs.
 */
export function componentSchemas(): Record<string, JsonSchema> {
  return {
    Error: jsonSchemaOf(kserve.errorSchema, 'output'),
    ServerMetadata: jsonSchemaOf(kserve.serverMetadataSchema, 'output'),
    Live: jsonSchemaOf(kserve.liveSchema, 'output'),
    Ready: jsonSchemaOf(kserve.readySchema, 'output'),
    ModelMetadata: jsonSchemaOf(kserve.modelMetadataSchema, 'output'),
    ModelReady: jsonSchemaOf(kserve.modelReadySchema, 'output'),
    ModelConfig: jsonSchemaOf(kserve.modelConfigSchema, 'output'),
    InferRequest: jsonSchemaOf(kserve.inferRequestSchema, 'input'),
    InferResponse: jsonSchemaOf(kserve.inferResponseSchema, 'output'),
    RepositoryIndexRequest: jsonSchemaOf(kserve.repositoryIndexRequestSchema, 'input'),
    RepositoryIndex: jsonSchemaOf(kserve.repositoryIndexSchema, 'output'),
    LoadRequest: jsonSchemaOf(kserve.loadRequestSchema, 'input'),
    Empty: jsonSchemaOf(kserve.emptySchema, 'output'),
    Statistics: jsonSchemaOf(kserve.statisticsSchema, 'output'),
    JobSubmission: jsonSchemaOf(jobSubmissionSchema, 'input'),
    JobAccepted: jsonSchemaOf(jobAcceptedSchema, 'output'),
    JobView: jsonSchemaOf(jobViewSchema, 'output'),
    StreamMessage: jsonSchemaOf(streamMessageSchema, 'output'),
    RolloutSpec: jsonSchemaOf(rolloutSpecSchema, 'input'),
    RolloutState: ROLLOUT_STATE,
    Feedback: jsonSchemaOf(feedbackBodySchema, 'input'),
  };
}
