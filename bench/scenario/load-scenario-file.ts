import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseScenario } from './parse-scenario';
import type { Scenario } from './scenario.interface';
import { ScenarioValidationError } from './scenario-validation.error';

/** Reads and validates a scenario file (.yaml, .yml or .json). */
export function loadScenarioFile(file: string): Scenario {
  const ext = extname(file).toLowerCase();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioValidationError('(file)', `cannot be read: ${(err as Error).message}`, file);
  }
  let doc: unknown;
  try {
    doc = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ScenarioValidationError('(file)', `is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`, file);
  }
  return parseScenario(doc, basename(file, ext), file);
}
