import { ConfigValidationError } from './errors/config-validation.error';
import { loadConfig } from './load-config';
import { parseRemoteDevices, REMOTE_DEFAULTS } from './remote-devices';

describe(parseRemoteDevices.name, () => {
  it('reads entries separated by commas or newlines, with defaults for the options left out', () => {
    const sut = parseRemoteDevices('cloud=http://host:8000/;cost=4;concurrency=32;key_env=CLOUD_KEY\n edge = https://edge.example/v ,');
    expect(sut).toEqual({
      remotes: [
        {
          name: 'cloud',
          url: 'http://host:8000',
          costWeight: 4,
          concurrency: 32,
          keyEnv: 'CLOUD_KEY',
          connectTimeoutMs: REMOTE_DEFAULTS.connectTimeoutMs,
        },
        { name: 'edge', url: 'https://edge.example/v', ...REMOTE_DEFAULTS },
      ],
    });
  });

  it('reads nothing from an empty value', () => {
    expect(parseRemoteDevices(' \n ,')).toEqual({ remotes: [] });
  });

  it.each([
    ['cloud', '"cloud": expected <name>=<url>[;cost=<n>][;concurrency=<n>][;key_env=<VAR>][;connect_timeout_ms=<n>]'],
    ['a b=http://h', '"a b=http://h": the name "a b" is not 1 to 64 letters, digits, ".", "-" or "_"'],
    ['cloud=ftp://h', '"cloud=ftp://h": "ftp://h" is not an http:// or https:// URL'],
    ['cloud=http://h;cost=0', '"cloud=http://h;cost=0": cost "0" is not a positive number'],
    ['cloud=http://h;concurrency=2.5', '"cloud=http://h;concurrency=2.5": concurrency "2.5" is not an integer from 1 to 4096'],
    ['cloud=http://h;key_env=1X', '"cloud=http://h;key_env=1X": key_env "1X" is not an environment variable name'],
    [
      'cloud=http://h;connect_timeout_ms=5',
      '"cloud=http://h;connect_timeout_ms=5": connect_timeout_ms "5" is not an integer from 10 to 600000',
    ],
    ['cloud=http://h;speed=9', '"cloud=http://h;speed=9": unknown option "speed" (known: cost, concurrency, key_env, connect_timeout_ms)'],
    ['a=http://h,a=http://i', '"a=http://i": the name "a" is used twice'],
  ])('refuses %j', (text, problem) => {
    expect(parseRemoteDevices(text)).toEqual({ problems: [problem] });
  });
});

describe('SWITCHYARD_REMOTE_DEVICES in loadConfig', () => {
  it('reads the bearer token from the variable key_env names', () => {
    const sut = loadConfig({ SWITCHYARD_REMOTE_DEVICES: 'cloud=http://h:1;key_env=CLOUD_KEY', CLOUD_KEY: 's3cret' });
    expect(sut.devices.remote).toEqual([expect.objectContaining({ name: 'cloud', keyEnv: 'CLOUD_KEY', key: 's3cret' })]);
    expect(loadConfig({}).devices.remote).toEqual([]);
  });

  it.each([
    [
      { SWITCHYARD_REMOTE_DEVICES: 'cloud=http://h;cost=-1' },
      'SWITCHYARD_REMOTE_DEVICES: "cloud=http://h;cost=-1": cost "-1" is not a positive number',
    ],
    [
      { SWITCHYARD_REMOTE_DEVICES: 'cloud=http://h;key_env=NOPE_KEY' },
      'SWITCHYARD_REMOTE_DEVICES: "cloud": key_env names NOPE_KEY, which is not set',
    ],
  ])('fails boot naming the option for %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
