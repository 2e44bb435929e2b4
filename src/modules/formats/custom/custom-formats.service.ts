import { Injectable } from '@nestjs/common';

import { isUuid } from '../../../common/ids/uuid';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { actorOf } from '../../audit/audit-actor';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../tenancy/principal';
import type { ParsedAttributes } from '../log-format';
import { normalizeSeverity } from '../normalize/severity';
import { CustomFormatCatalog } from './custom-format-catalog.service';
import { CustomFormatError } from './custom-formats.errors';
import {
  compilePattern,
  CUSTOM_FORMAT_KINDS,
  type CustomFormatKind,
  CustomLineFormat,
  MAX_CUSTOM_LINE_LENGTH,
} from './custom-line-format';
import { PatternCompileError } from './grok-compiler';
import {
  type LogFormatRow,
  LogFormatRepository,
  type LogFormatValues,
} from './log-format.repository';

export const MAX_PATTERN_LENGTH = 8192;
export const MAX_TEST_SAMPLES = 50;
export const MAX_SAMPLE_LENGTH = MAX_CUSTOM_LINE_LENGTH;
export const MAX_FORMATS_PER_TENANT = 100;
const MAX_PIN_LENGTH = 256;
const MAX_PRIORITY = 1000;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export type LogFormatInfo = LogFormatRow;

export interface CreateLogFormat {
  name: string;
  kind: CustomFormatKind;
  pattern: string;
  service?: string | null;
  dataset?: string | null;
  priority?: number | null;
}

/** Absent fields stay as they are; `service: null` / `dataset: null` remove a pin. */
export type UpdateLogFormat = Partial<CreateLogFormat>;

/** What a sample line parses to, as the pipeline would store it. */
export interface SampleRecord {
  timestamp: Date | null;
  /** Canonical level (trace ... fatal), or null when none was captured or it is not one. */
  level: string | null;
  /** The level as captured. */
  levelText: string | null;
  message: string;
  service: string | null;
  host: string | null;
  traceId: string | null;
  spanId: string | null;
  attributes: ParsedAttributes;
}

export interface SampleResult {
  sample: string;
  matched: boolean;
  /** Every capture, converted (`:int`, `:float`), by field name; null when unmatched. */
  captured: ParsedAttributes | null;
  record: SampleRecord | null;
}

/**
 * Tenants' custom log formats: trying a pattern on sample lines, and saving, changing and
 * deleting formats (audited as `log_format.created|updated|deleted`; every replica's catalog
 * reloads the tenant's formats after each change).
 */
@Injectable()
export class CustomFormatsService {
  constructor(
    private readonly repository: LogFormatRepository,
    private readonly catalog: CustomFormatCatalog,
    private readonly audit: AuditService,
  ) {}

  /** @throws CustomFormatError INVALID_PATTERN with the compiler's explanation. */
  test(
    kind: CustomFormatKind,
    pattern: string,
    samples: readonly string[],
    receivedAt = Date.now(),
  ): SampleResult[] {
    checkKind(kind);
    checkPattern(pattern);
    if (samples.length > MAX_TEST_SAMPLES) {
      throw new CustomFormatError('LIMIT_EXCEEDED', `at most ${MAX_TEST_SAMPLES} samples per test`);
    }
    for (const sample of samples) {
      if (sample.length > MAX_SAMPLE_LENGTH) {
        throw new CustomFormatError(
          'LIMIT_EXCEEDED',
          `a sample is longer than ${MAX_SAMPLE_LENGTH} characters (longer lines are not offered to custom formats)`,
        );
      }
    }
    const format = compile({ kind, pattern, name: 'test' });
    if (samples.some((sample) => sample.length > format.maxLineLength)) {
      throw new CustomFormatError(
        'LIMIT_EXCEEDED',
        `a sample is longer than ${format.maxLineLength} characters, the longest line this pattern is run on (the larger the pattern, the shorter)`,
      );
    }
    return samples.map((sample) => {
      const match = format.match(sample, receivedAt);
      if (match === null) return { sample, matched: false, captured: null, record: null };
      const f = match.fields;
      return {
        sample,
        matched: true,
        captured: match.captured,
        record: {
          timestamp: f.timestamp === undefined ? null : new Date(f.timestamp),
          level: f.level === undefined ? null : (normalizeSeverity(f.level)?.text ?? null),
          levelText: f.level ?? null,
          message: f.message ?? sample,
          service: f.service ?? null,
          host: f.host ?? null,
          traceId: f.traceId ?? null,
          spanId: f.spanId ?? null,
          attributes: f.attributes ?? {},
        },
      };
    });
  }

  list(tenantId: string): Promise<LogFormatInfo[]> {
    return this.repository.list(tenantId);
  }

  async create(
    principal: Principal,
    input: CreateLogFormat,
    origin: RequestOrigin,
  ): Promise<LogFormatInfo> {
    const values = validate({
      name: input.name,
      kind: input.kind,
      pattern: input.pattern,
      service: input.service ?? null,
      dataset: input.dataset ?? null,
      priority: input.priority ?? 0,
    });
    const created = await this.repository.transaction(principal.tenantId, async (tx) => {
      await this.repository.lockTenant(tx);
      if ((await this.repository.count(tx)) >= MAX_FORMATS_PER_TENANT) {
        throw new CustomFormatError(
          'LIMIT_EXCEEDED',
          `a tenant has at most ${MAX_FORMATS_PER_TENANT} custom formats`,
        );
      }
      const row = await this.repository.insert(tx, values, authorOf(principal));
      if (row === null) throw exists(values.name);
      await this.audit.record(principal, 'log_format.created', {
        target: { kind: 'log_format', id: row.id },
        details: { after: auditView(row) },
        ...origin,
        tx,
      });
      return row;
    });
    await this.catalog.changed(principal.tenantId);
    return created;
  }

  async update(
    principal: Principal,
    id: string,
    input: UpdateLogFormat,
    origin: RequestOrigin,
  ): Promise<LogFormatInfo> {
    checkId(id);
    const updated = await this.repository.transaction(principal.tenantId, async (tx) => {
      const before = await this.repository.find(tx, id);
      if (before === null) throw notFound(id);
      const values = validate({
        name: input.name ?? before.name,
        kind: input.kind ?? before.kind,
        pattern: input.pattern ?? before.pattern,
        service: input.service === undefined ? before.service : input.service,
        dataset: input.dataset === undefined ? before.dataset : input.dataset,
        priority: input.priority ?? before.priority,
      });
      if (values.name !== before.name && (await this.repository.nameTaken(tx, values.name, id))) {
        throw exists(values.name);
      }
      const row = await this.repository.update(tx, id, values, authorOf(principal));
      if (row === null) throw notFound(id);
      await this.audit.record(principal, 'log_format.updated', {
        target: { kind: 'log_format', id },
        details: { before: auditView(before), after: auditView(row) },
        ...origin,
        tx,
      });
      return row;
    });
    await this.catalog.changed(principal.tenantId);
    return updated;
  }

  /** True when the format existed (and is now gone). */
  async delete(principal: Principal, id: string, origin: RequestOrigin): Promise<boolean> {
    if (!isUuid(id)) return false;
    const deleted = await this.repository.transaction(principal.tenantId, async (tx) => {
      const row = await this.repository.delete(tx, id);
      if (row === null) return false;
      await this.audit.record(principal, 'log_format.deleted', {
        target: { kind: 'log_format', id },
        details: { before: auditView(row) },
        ...origin,
        tx,
      });
      return true;
    });
    if (deleted) await this.catalog.changed(principal.tenantId);
    return deleted;
  }
}

function compile(def: { kind: CustomFormatKind; pattern: string; name: string }): CustomLineFormat {
  try {
    return CustomLineFormat.compile({
      id: '',
      name: def.name,
      kind: def.kind,
      pattern: def.pattern,
      service: null,
      dataset: null,
      priority: 0,
    });
  } catch (err) {
    if (!(err instanceof PatternCompileError)) throw err;
    throw new CustomFormatError('INVALID_PATTERN', err.message, { cause: err });
  }
}

function validate(v: LogFormatValues): LogFormatValues {
  if (!NAME.test(v.name)) {
    throw new CustomFormatError(
      'INVALID_ARGUMENT',
      `format name "${v.name.slice(0, 80)}" must be 1-63 lower-case letters, digits and dashes, starting with a letter or digit`,
    );
  }
  checkKind(v.kind);
  checkPattern(v.pattern);
  try {
    compilePattern(v.kind, v.pattern);
  } catch (err) {
    if (!(err instanceof PatternCompileError)) throw err;
    throw new CustomFormatError('INVALID_PATTERN', err.message, { cause: err });
  }
  if (!Number.isInteger(v.priority) || Math.abs(v.priority) > MAX_PRIORITY) {
    throw new CustomFormatError(
      'INVALID_ARGUMENT',
      `priority must be an integer between -${MAX_PRIORITY} and ${MAX_PRIORITY}`,
    );
  }
  return { ...v, service: pin('service', v.service), dataset: pin('dataset', v.dataset) };
}

function pin(what: string, value: string | null): string | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (trimmed.length > MAX_PIN_LENGTH) {
    throw new CustomFormatError(
      'INVALID_ARGUMENT',
      `the ${what} pin is longer than ${MAX_PIN_LENGTH} characters`,
    );
  }
  return trimmed;
}

function checkKind(kind: string): void {
  if (!(CUSTOM_FORMAT_KINDS as readonly string[]).includes(kind)) {
    throw new CustomFormatError(
      'INVALID_ARGUMENT',
      `kind must be one of ${CUSTOM_FORMAT_KINDS.join(', ')}`,
    );
  }
}

function checkPattern(pattern: string): void {
  if (pattern.trim() === '') throw new CustomFormatError('INVALID_PATTERN', 'the pattern is empty');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new CustomFormatError(
      'LIMIT_EXCEEDED',
      `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`,
    );
  }
}

function checkId(id: string): void {
  if (!isUuid(id)) throw notFound(id);
}

function notFound(id: string): CustomFormatError {
  return new CustomFormatError('FORMAT_NOT_FOUND', `no custom format with id "${id.slice(0, 80)}"`);
}

function exists(name: string): CustomFormatError {
  return new CustomFormatError('FORMAT_EXISTS', `a custom format named "${name}" already exists`);
}

function authorOf(principal: Principal): string {
  const actor = actorOf(principal);
  return `${actor.kind}:${actor.label ?? actor.id ?? 'unknown'}`;
}

function auditView(row: LogFormatRow): Record<string, unknown> {
  return {
    name: row.name,
    kind: row.kind,
    pattern: row.pattern,
    service: row.service,
    dataset: row.dataset,
    priority: row.priority,
  };
}
