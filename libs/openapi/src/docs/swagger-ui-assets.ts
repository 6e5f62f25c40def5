import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The files of swagger-ui-dist the page loads, and their types. */
const BUNDLE_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

export interface DocsAsset {
  contentType: string;
  body: Buffer;
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Switchyard API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
    <link rel="stylesheet" href="/docs/assets/index.css" />
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/assets/swagger-initializer.js"></script>
  </body>
</html>
`;

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/docs/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

/**
 * Swagger UI served by the app itself (no CDN): the page, its initializer pointing at
 * /docs/openapi.json, and the bundle's files read once from the installed swagger-ui-dist.
 */
@Injectable()
export class SwaggerUiAssets {
  private readonly files = new Map<string, DocsAsset>();

  constructor() {
    const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
    for (const [name, contentType] of Object.entries(BUNDLE_FILES))
      this.files.set(name, { contentType, body: readFileSync(join(dir, name)) });
    this.files.set('swagger-initializer.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(INITIALIZER) });
  }

  page(): string {
    return PAGE;
  }

  /** A file of the page, undefined for any other name. */
  get(name: string): DocsAsset | undefined {
    return this.files.get(name);
  }
}
