import { RE2JS, RE2JSException } from 're2js';

import {
  DEFAULT_DETECTOR_SETTINGS,
  DETECTOR_KINDS,
  type DetectorKind,
} from '../../ml/anomaly/detector';
import type { DetectionConfig, ServiceDetectionConfig } from '../../ml/anomaly/tenant-detection';
import { DetectionError } from './detection.errors';

/** Where a record's session key (for the sequence detector) comes from. */
export type SessionKeySource =
  | { source: 'trace' }
  | { source: 'attribute'; name: string }
  /** The first pattern parameter matching the (RE2) pattern, e.g. `blk_-?\d+` for HDFS blocks. */
  | { source: 'parameter'; pattern: string };

/** A tenant's settings as stored (every field optional: absent means the default). */
export interface TenantSettingsDoc {
  enabled?: boolean;
  windowSeconds?: number;
  learningHours?: number;
  sensitivity?: number;
  detectors?: DetectorKind[];
  sessionKey?: SessionKeySource;
}

/** One service's settings as stored. */
export interface ServiceSettingsDoc {
  sensitivity?: number;
  detectors?: DetectorKind[];
  muted?: boolean;
  /** Hours from the service's first record before it raises anything (beyond the tenant's). */
  learningHours?: number;
}

/** Everything detection needs of a tenant's settings, resolved. */
export interface ResolvedSettings {
  enabled: boolean;
  config: DetectionConfig;
  sessionKey: SessionKeySource;
  /** Reads a record's session key; null when it has none. */
  sessionKeyOf: (
    r: { traceId: string | null; attributes: Record<string, unknown> },
    params: readonly string[],
  ) => string | null;
  tenant: TenantSettingsDoc;
  services: Record<string, ServiceSettingsDoc>;
}

const MAX_SERVICE_OVERRIDES = 500;
const MAX_SESSION_KEY = 256;

export function validateTenantSettings(doc: TenantSettingsDoc): TenantSettingsDoc {
  const out: TenantSettingsDoc = {};
  if (doc.enabled !== undefined && doc.enabled !== null) out.enabled = doc.enabled;
  if (doc.windowSeconds != null) {
    if (
      !Number.isInteger(doc.windowSeconds) ||
      doc.windowSeconds < 10 ||
      doc.windowSeconds > 3600
    ) {
      throw invalid('windowSeconds must be an integer from 10 to 3600');
    }
    out.windowSeconds = doc.windowSeconds;
  }
  if (doc.learningHours != null) out.learningHours = validLearningHours(doc.learningHours);
  if (doc.sensitivity != null) out.sensitivity = validSensitivity(doc.sensitivity);
  if (doc.detectors != null) out.detectors = validDetectors(doc.detectors);
  if (doc.sessionKey != null) {
    const key = doc.sessionKey;
    if (key.source === 'trace') out.sessionKey = { source: 'trace' };
    else if (key.source === 'attribute') {
      if (typeof key.name !== 'string' || key.name.trim() === '' || key.name.length > 256) {
        throw invalid('an attribute session key needs the attribute name (1 to 256 characters)');
      }
      out.sessionKey = { source: 'attribute', name: key.name.trim() };
    } else if (key.source === 'parameter') {
      compileSessionPattern(key.pattern);
      out.sessionKey = { source: 'parameter', pattern: key.pattern };
    } else {
      throw invalid('sessionKey.source must be trace, attribute or parameter');
    }
  }
  return out;
}

export function validateServiceSettings(doc: ServiceSettingsDoc): ServiceSettingsDoc {
  const out: ServiceSettingsDoc = {};
  if (doc.sensitivity != null) out.sensitivity = validSensitivity(doc.sensitivity);
  if (doc.detectors != null) out.detectors = validDetectors(doc.detectors);
  if (doc.muted != null) out.muted = doc.muted;
  if (doc.learningHours != null) out.learningHours = validLearningHours(doc.learningHours);
  return out;
}

/** Resolves stored rows (service '' is the tenant's) into the configuration detection runs. */
export function resolveSettings(
  rows: ReadonlyArray<{ service: string; settings: unknown }>,
): ResolvedSettings {
  let tenant: TenantSettingsDoc = {};
  const services: Record<string, ServiceSettingsDoc> = {};
  for (const row of rows) {
    if (row.service === '') tenant = row.settings as TenantSettingsDoc;
    else if (Object.keys(services).length < MAX_SERVICE_OVERRIDES) {
      Object.defineProperty(services, row.service, {
        value: row.settings,
        enumerable: true,
      });
    }
  }
  const settings = {
    windowMs: (tenant.windowSeconds ?? DEFAULT_DETECTOR_SETTINGS.windowMs / 1000) * 1000,
    learningMs:
      tenant.learningHours !== undefined
        ? tenant.learningHours * 3_600_000
        : DEFAULT_DETECTOR_SETTINGS.learningMs,
    sensitivity: tenant.sensitivity ?? DEFAULT_DETECTOR_SETTINGS.sensitivity,
  };
  const perService: Record<string, ServiceDetectionConfig> = {};
  for (const [service, s] of Object.entries(services)) {
    const c: ServiceDetectionConfig = {};
    if (s.sensitivity !== undefined) c.sensitivity = s.sensitivity;
    if (s.detectors !== undefined) c.enabled = s.detectors;
    if (s.muted !== undefined) c.muted = s.muted;
    if (s.learningHours !== undefined) c.learningMs = s.learningHours * 3_600_000;
    Object.defineProperty(perService, service, { value: c, enumerable: true });
  }
  const sessionKey = tenant.sessionKey ?? { source: 'trace' };
  return {
    enabled: tenant.enabled ?? true,
    config: {
      settings,
      enabled: tenant.detectors ?? [...DETECTOR_KINDS],
      services: perService,
    },
    sessionKey,
    sessionKeyOf: sessionKeyReader(sessionKey),
    tenant,
    services,
  };
}

function sessionKeyReader(key: SessionKeySource): ResolvedSettings['sessionKeyOf'] {
  switch (key.source) {
    case 'trace':
      return (r) => r.traceId;
    case 'attribute': {
      const name = key.name;
      return (r) => {
        const v = Object.hasOwn(r.attributes, name) ? r.attributes[name] : undefined;
        if (typeof v === 'string') return v === '' ? null : v.slice(0, MAX_SESSION_KEY);
        return typeof v === 'number' ? String(v) : null;
      };
    }
    case 'parameter': {
      const regex = compileSessionPattern(key.pattern);
      return (_r, params) => {
        for (const p of params) {
          const m = regex.matcher(p);
          if (m.find()) return (m.group() ?? '').slice(0, MAX_SESSION_KEY) || null;
        }
        return null;
      };
    }
  }
}

function compileSessionPattern(pattern: unknown): RE2JS {
  if (typeof pattern !== 'string' || pattern === '' || pattern.length > 256) {
    throw invalid('a parameter session key needs a pattern of 1 to 256 characters');
  }
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    if (err instanceof RE2JSException) {
      throw invalid(`invalid session key pattern: ${err.message}`);
    }
    throw err;
  }
}

function validLearningHours(x: number): number {
  if (!(x >= 0 && x <= 24 * 28)) throw invalid('learningHours must be from 0 to 672 (four weeks)');
  return x;
}

function validSensitivity(x: number): number {
  if (!(x > 0 && x <= 1)) throw invalid('sensitivity must be in (0, 1]');
  return x;
}

function validDetectors(kinds: readonly string[]): DetectorKind[] {
  const out: DetectorKind[] = [];
  for (const k of kinds) {
    if (!(DETECTOR_KINDS as readonly string[]).includes(k)) {
      throw invalid(`unknown detector "${k}"`);
    }
    if (!out.includes(k as DetectorKind)) out.push(k as DetectorKind);
  }
  return out;
}

function invalid(message: string): DetectionError {
  return new DetectionError('INVALID_ARGUMENT', message);
}
