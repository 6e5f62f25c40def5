import { Controller, Get, Header } from '@nestjs/common';
import { Scope } from '@switchyard/common';
import { StatusPageAssets } from './status-page-assets';

/** GET /: the live status page, self-contained (its script and style are served here too). */
@Controller()
@Scope('statistics')
export class StatusPageController {
  constructor(private readonly assets: StatusPageAssets) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.assets.get('index.html');
  }

  @Get('status-page/status-page.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return this.assets.get('status-page.js');
  }

  @Get('status-page/status-page.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  style(): string {
    return this.assets.get('status-page.css');
  }
}
