import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';

import { checkRunbookSemantics } from './runbook-semantics';
import schema from './runbook.schema.json';
import { type RunbookDefinition } from './runbook.types';

/** One problem with a runbook: a JSON pointer into the document (`/steps/2/url`) and a plain message. */
export interface RunbookValidationError {
  path: string;
  message: string;
}

export type RunbookValidationResult =
  { ok: true; runbook: RunbookDefinition } | { ok: false; errors: RunbookValidationError[] };

/** The published JSON Schema (draft-07), for GraphQL clients and editors. */
export const RUNBOOK_SCHEMA: Readonly<Record<string, unknown>> = schema;
export const RUNBOOK_SCHEMA_ID = 'https://vigil.dev/schemas/runbook-v1.json';

const ajv = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true });
const validateSchema = ajv.compile(schema);

/**
 * Checks a parsed runbook document: first against the JSON Schema, then (only when that passes,
 * so the checks can trust the shape) the rules a schema cannot state: unique step ids, forward-only
 * `on_failure` jumps, template and condition references, Kubernetes fields, parameter sanity and a
 * bounded worst-case duration. Reports every error found, each with its path.
 *
 * @example
 *   const result = validateRunbook(JSON.parse(text));
 *   if (!result.ok) for (const e of result.errors) console.log(`${e.path}: ${e.message}`);
 */
export function validateRunbook(input: unknown): RunbookValidationResult {
  if (typeof input === 'string') {
    const parsed = parseRunbookText(input);
    if (!parsed.ok) return parsed;
    input = parsed.document;
  }
  if (!validateSchema(input))
    return { ok: false, errors: schemaErrors(validateSchema.errors ?? []) };
  const runbook = input as unknown as RunbookDefinition;
  const errors = checkRunbookSemantics(runbook);
  return errors.length === 0 ? { ok: true, runbook } : { ok: false, errors };
}

/** Longest runbook text accepted (a runbook is at most 50 steps). */
const MAX_TEXT_LENGTH = 256 * 1024;

/**
 * A runbook written as YAML (or JSON, which YAML reads too) into plain data. Aliases are capped,
 * so a billion-laughs document cannot blow up, and custom tags are refused (core schema).
 */
export function parseRunbookText(
  text: string,
): { ok: true; document: unknown } | { ok: false; errors: RunbookValidationError[] } {
  if (text.length > MAX_TEXT_LENGTH) {
    return {
      ok: false,
      errors: [{ path: '', message: `is longer than ${MAX_TEXT_LENGTH} characters` }],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'core',
    prettyErrors: false,
    uniqueKeys: true,
    lineCounter: lines,
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return {
          path: '',
          message: `YAML line ${at.line} column ${at.col}: ${e.message.split('\n')[0]}`,
        };
      }),
    };
  }
  try {
    return { ok: true, document: doc.toJS({ maxAliasCount: 50 }) };
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `YAML: ${(err as Error).message}` }] };
  }
}

function schemaErrors(raw: readonly ErrorObject[]): RunbookValidationError[] {
  // A failed oneOf reports its branches' errors as well; its own message says it better.
  const oneOfs = raw.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const out = new Map<string, RunbookValidationError>();
  for (const e of raw) {
    if (oneOfs.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    const error = translate(e);
    out.set(`${error.path}\u0000${error.message}`, error);
  }
  return [...out.values()];
}

function translate(e: ErrorObject): RunbookValidationError {
  const path = e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: `${path}/${String(params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return {
        path: `${path}/${String(params.additionalProperty)}`,
        message: 'is not allowed here',
      };
    case 'discriminator': {
      const tag = String(params.tag);
      if (params.error === 'tag') return { path: `${path}/${tag}`, message: 'is required' };
      return {
        path: `${path}/${tag}`,
        message: `must be one of ${discriminatorValues(e).join(', ')}`,
      };
    }
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'not':
      return { path, message: "'stop' and 'continue' are reserved and cannot be step ids" };
    case 'oneOf':
      if (e.schemaPath.includes('/trigger/')) {
        return { path, message: 'a schedule needs exactly one of cron or everyMinutes' };
      }
      return { path, message: e.message ?? 'is invalid' };
    case 'propertyNames':
      return { path, message: `has an invalid name '${String(params.propertyName)}'` };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

const STEP_KINDS: string[] = schema.definitions.step.oneOf.map((b) => b.properties.kind.const);
const TRIGGER_KINDS: string[] = schema.definitions.trigger.oneOf.map(
  (b) => b.properties.kind.const,
);
const CHECK_SOURCES = ['logs', 'anomaly'];

function discriminatorValues(e: ErrorObject): string[] {
  if ((e.params as Record<string, unknown>).tag === 'source') return CHECK_SOURCES;
  return e.instancePath === '/trigger' ? TRIGGER_KINDS : STEP_KINDS;
}
