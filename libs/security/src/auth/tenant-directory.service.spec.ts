import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { loadConfig } from '@switchyard/config';
import { keyDigest, TenantDirectory } from './tenant-directory.service';

/** What the directory says at start-up, captured through Nest's logger. */
function startUpLines(config: ReturnType<typeof loadConfig>): { level: string; message: string }[] {
  const lines: { level: string; message: string }[] = [];
  const capture = (level: string) => (message: unknown) => void lines.push({ level, message: String(message) });
  const logger: LoggerService = { log: capture('log'), warn: capture('warn'), error: capture('error') };
  Logger.overrideLogger(logger);
  try {
    new TenantDirectory(config);
  } finally {
    Logger.overrideLogger(new ConsoleLogger());
  }
  return lines;
}

describe(TenantDirectory.name, () => {
  it('warns loudly at start-up when there is no auth file: every route is open', () => {
    const lines = startUpLines(loadConfig({}, { LOG_LEVEL: 'error' }));
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe('warn');
    expect(lines[0].message).toContain('NO AUTH FILE (SWITCHYARD_AUTH_FILE): every route is open');
  });

  it('names the tenant count and file, and does not warn, with one', () => {
    const base = loadConfig({}, { LOG_LEVEL: 'error' });
    const tenants = [{ name: 'shop', keyDigests: [keyDigest('k')], scopes: ['inference'], limits: {} }];
    const lines = startUpLines({ ...base, security: { ...base.security, auth: { file: '/etc/auth.yaml', tenants } } });
    expect(lines).toEqual([{ level: 'log', message: 'auth: 1 tenant(s) from /etc/auth.yaml' }]);
  });

  it('keeps digests only: a key is found by its sha256', () => {
    expect(keyDigest('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
