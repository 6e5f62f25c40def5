import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Public, Scope } from '@switchyard/common';
import { loadConfig, SwitchyardConfigModule } from '@switchyard/config';
import { SwitchyardExceptionFilter } from '@switchyard/inference/testing';
import { configureSecurityHttp } from '../http/configure-security-http';
import { SecurityModule } from '../security.module';
import { AuthGuard } from './auth.guard';

@Controller('t')
class MixedController {
  @Get('declared')
  @Scope('statistics')
  declared(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }

  /** A route whose author forgot its scope. */
  @Get('forgotten')
  forgotten(): { ok: true } {
    return { ok: true };
  }
}

/**
 * Deny by default, on a real Nest + Fastify app without an auth file (the open mode): a route
 * without a declared scope is refused even there, so a new route cannot ship unprotected.
 */
describe(AuthGuard.name, () => {
  let sut: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const config = loadConfig({}, { LOG_LEVEL: 'error' });
    @Module({ imports: [SwitchyardConfigModule.forConfig(config), SecurityModule], controllers: [MixedController] })
    class TestModule {}
    sut = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
    sut.useGlobalFilters(new SwitchyardExceptionFilter({ bodyLimitBytes: 1024 }));
    await configureSecurityHttp(sut, config);
    await sut.listen(0, '127.0.0.1');
    const address = sut.getHttpServer().address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('lets declared and public routes through when there is no auth file', async () => {
    expect((await fetch(`${url}/t/declared`)).status).toBe(200);
    expect((await fetch(`${url}/t/open`)).status).toBe(200);
  });

  it('refuses a route that declares no scope (403, saying why)', async () => {
    const res = await fetch(`${url}/t/forgotten`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('GET /t/forgotten declares no scope: refused (deny by default)');
  });
});
