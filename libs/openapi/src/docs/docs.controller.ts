import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { NotFoundError, Public } from '@switchyard/common';
import { readServerVersion } from '@switchyard/inference';
import type { FastifyReply } from 'fastify';
import { buildOpenApiDocument } from '../document/openapi-document';
import { SwaggerUiAssets } from './swagger-ui-assets';

/** GET /docs (Swagger UI), /docs/openapi.json (the document) and /docs/assets/{file} (the UI's files): open, like the health routes (the contract is no secret). */
@Controller('docs')
@Public()
export class DocsController {
  private readonly document = buildOpenApiDocument(readServerVersion());

  constructor(private readonly assets: SwaggerUiAssets) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.assets.page();
  }

  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  openApi(): Record<string, unknown> {
    return this.document;
  }

  @Get('assets/:asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const file = this.assets.get(name);
    if (!file) throw new NotFoundError(`no file "${name}" in the documentation's assets`);
    reply.header('content-type', file.contentType).header('cache-control', 'public, max-age=3600');
    return file.body;
  }
}
