import { Module } from '@nestjs/common';
import { DocsController } from './docs/docs.controller';
import { SwaggerUiAssets } from './docs/swagger-ui-assets';

/** The API's contract: the OpenAPI 3.1 document at /docs/openapi.json and Swagger UI at /docs. */
@Module({ controllers: [DocsController], providers: [SwaggerUiAssets] })
export class OpenApiModule {}
