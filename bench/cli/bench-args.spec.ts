import { BenchArgsError, parseBenchArgs } from './bench-args';

describe(parseBenchArgs.name, () => {
  it('reads the scenario and the options', () => {
    const sut = parseBenchArgs(['s.yaml', '--target', 'sim', '--policies', 'adaptive,round-robin', '--duration', '5', '--no-scale']);
    expect(sut).toMatchObject({
      scenarioFile: 's.yaml',
      target: 'sim',
      policies: ['adaptive', 'round-robin'],
      durationS: 5,
      scale: false,
      compareSim: true,
    });
  });

  it.each([
    [['s.yaml', '--target', 'gpu'], /--target must be one of/],
    [['s.yaml', '--duration', '-1'], /--duration must be/],
    [['s.yaml', '--policies'], /--policies needs a value/],
    [['s.yaml', '--fast'], /unknown option --fast/],
    [[], /a scenario file is required/],
  ])('refuses %j naming the flag', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('parseBenchArgs --fit-rounds', () => {
  it('reads the rounds the twin is fitted on', () => {
    expect(parseBenchArgs(['s.yaml', '--rounds', '4', '--fit-rounds', '1, 2']).fitRounds).toEqual([1, 2]);
  });

  it.each([
    [['s.yaml', '--fit-rounds', '0,1'], /--fit-rounds must list round numbers/],
    [['s.yaml', '--fit-rounds', 'a'], /--fit-rounds must list round numbers/],
    [['s.yaml', '--target', 'sim', '--fit-rounds', '1'], /needs an in-process real target and the simulated twin/],
    [['s.yaml', '--no-compare-sim', '--fit-rounds', '1'], /needs an in-process real target and the simulated twin/],
    [['s.yaml', '--target', 'http', '--fit-rounds', '1'], /needs an in-process real target/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
