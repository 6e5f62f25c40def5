import type { OperationSpec } from './operation-spec';

/** Routes for people and scrapers: the status page, Prometheus metrics and this documentation. */
export const SERVICE_OPERATIONS: OperationSpec[] = [
  {
    method: 'get',
    path: '/',
    operationId: 'statusPage',
    summary: 'The live status page',
    tag: 'service',
    responses: { 200: { description: 'HTML', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/status-page/status-page.js',
    operationId: 'statusPageScript',
    summary: "The status page's script",
    tag: 'service',
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  },
  {
    method: 'get',
    path: '/status-page/status-page.css',
    operationId: 'statusPageStyle',
    summary: "The status page's style",
    tag: 'service',
    responses: { 200: { description: 'CSS', contentType: 'text/css' } },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (docs/metrics.md)',
    tag: 'service',
    responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docsPage',
    public: true,
    summary: 'This document in Swagger UI',
    tag: 'service',
    responses: { 200: { description: 'HTML', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/docs/openapi.json',
    operationId: 'openApiDocument',
    public: true,
    summary: 'This document',
    tag: 'service',
    responses: { 200: { description: 'OpenAPI 3.1', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/docs/assets/{asset}',
    operationId: 'docsAsset',
    public: true,
    summary: "A file of Swagger UI (served from the app's swagger-ui-dist, no CDN)",
    tag: 'service',
    responses: { 200: { description: 'The file (CSS, JavaScript or PNG)', contentType: '*/*' }, 404: 'Not a file of the bundle' },
  },
];
