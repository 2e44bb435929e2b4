import { isUuid } from '../../../common/ids/uuid';
import { ANOMALY_KINDS, type AnomalyKind } from '../../../ml/anomaly/detector';
import { parseQuery, QuerySyntaxError } from '../../logs/query/query-parser';
import { AlertingError } from '../alerting.errors';
import type {
  AlertCondition,
  AlertRoute,
  AlertRuleSeverity,
  EscalationLevel,
} from '../alerting.types';
import type { ChannelKind } from '../channels/alert-channel';
import { type Matcher, MatcherSyntaxError, parseMatchers } from '../engine/labels';

export const ALERT_RULE_KINDS = ['anomaly', 'log_query', 'pattern', 'forecast'] as const;
export const ALERT_SEVERITIES: readonly AlertRuleSeverity[] = [
  'critical',
  'high',
  'warning',
  'info',
];
export const CHANNEL_KINDS: readonly ChannelKind[] = [
  'slack',
  'pagerduty',
  'email',
  'webhook',
  'teams',
  'opsgenie',
];

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const SECOND = 1000;
const DAY_SECONDS = 86_400;
const MAX_LABELS = 50;
const MAX_LABEL_VALUE = 1024;
const MAX_LIST = 50;
const MAX_CHANNELS_PER_ROUTE = 20;

export function invalid(message: string): AlertingError {
  return new AlertingError('INVALID_ARGUMENT', message);
}

/** A trimmed name of 1..max characters. */
export function checkName(name: string, max: number): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > max) {
    throw invalid(`name must be 1-${max} characters`);
  }
  return trimmed;
}

/** Label sets (labels, annotations): string values, Prometheus label names for labels. */
export function checkLabels(
  what: 'labels' | 'annotations',
  value: unknown,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${what} must be an object of string values`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_LABELS) throw invalid(`at most ${MAX_LABELS} ${what}`);
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (what === 'labels' ? !LABEL_NAME.test(key) : key.trim() === '' || key.length > 100) {
      throw invalid(
        `"${key.slice(0, 80)}" is not a valid ${what === 'labels' ? 'label' : 'annotation'} name`,
      );
    }
    if (typeof v !== 'string' || v.length > MAX_LABEL_VALUE) {
      throw invalid(`${what}.${key} must be a string of at most ${MAX_LABEL_VALUE} characters`);
    }
    out[key] = v;
  }
  return out;
}

/** The condition as the GraphQL input carries it: every field optional, times in seconds. */
export interface ConditionFields {
  kind: string;
  detectorKinds?: string[] | null;
  minScore?: number | null;
  services?: string[] | null;
  query?: string | null;
  windowSeconds?: number | null;
  op?: string | null;
  threshold?: number | null;
  patternId?: string | null;
  templateContains?: string | null;
  service?: string | null;
  metric?: string | null;
  withinSeconds?: number | null;
}

/** Validates the input into the `AlertCondition` union (a log query must parse). */
export function toCondition(c: ConditionFields): AlertCondition {
  const services = c.services == null ? undefined : stringList('services', c.services);
  switch (c.kind) {
    case 'anomaly': {
      const kinds =
        c.detectorKinds == null ? undefined : stringList('detectorKinds', c.detectorKinds);
      for (const k of kinds ?? []) {
        if (!(ANOMALY_KINDS as readonly string[]).includes(k)) {
          throw invalid(`detector kind "${k}" is not one of ${ANOMALY_KINDS.join(', ')}`);
        }
      }
      if (c.minScore != null && !(c.minScore >= 0 && c.minScore <= 1)) {
        throw invalid('minScore must be between 0 and 1');
      }
      return {
        kind: 'anomaly',
        ...(kinds ? { kinds: kinds as AnomalyKind[] } : {}),
        ...(c.minScore != null ? { minScore: c.minScore } : {}),
        ...(services ? { services } : {}),
      };
    }
    case 'log_query': {
      const query = required('query', c.query);
      try {
        parseQuery(query);
      } catch (err) {
        if (err instanceof QuerySyntaxError) {
          throw new AlertingError('INVALID_ARGUMENT', `query: ${err.message}`, { cause: err });
        }
        throw err;
      }
      return {
        kind: 'log_query',
        query,
        ...(services ? { services } : {}),
        windowMs: seconds('windowSeconds', c.windowSeconds, 60, DAY_SECONDS) * SECOND,
        op: oneOf('op', c.op, ['>', '>=', '<', '<='] as const),
        threshold: finite('threshold', c.threshold),
      };
    }
    case 'pattern': {
      const patternId = optionalText('patternId', c.patternId);
      const templateContains = optionalText('templateContains', c.templateContains);
      return {
        kind: 'pattern',
        ...(patternId ? { patternId } : {}),
        ...(templateContains ? { templateContains } : {}),
        ...(services ? { services } : {}),
      };
    }
    case 'forecast':
      return {
        kind: 'forecast',
        service: required('service', c.service),
        metric: oneOf('metric', c.metric, ['volume', 'error_rate'] as const),
        op: oneOf('op', c.op, ['>', '<'] as const),
        threshold: finite('threshold', c.threshold),
        withinMs: seconds('withinSeconds', c.withinSeconds, 60, 7 * DAY_SECONDS) * SECOND,
      };
    default:
      throw invalid(`condition kind must be one of ${ALERT_RULE_KINDS.join(', ')}`);
  }
}

export interface RouteFields {
  channelIds: string[];
  policyId?: string | null;
  groupBy?: string[] | null;
  groupWaitSeconds?: number | null;
  groupIntervalSeconds?: number | null;
  repeatIntervalSeconds?: number | null;
}

/** Validates a route's shape (whether its channels and policy exist is checked by the caller). */
export function toRoute(r: RouteFields): AlertRoute {
  const channelIds = ids('channelIds', r.channelIds, MAX_CHANNELS_PER_ROUTE);
  const groupBy = r.groupBy == null ? [] : stringList('groupBy', r.groupBy);
  if (!(groupBy.length === 1 && groupBy[0] === '...')) {
    for (const name of groupBy) {
      if (!LABEL_NAME.test(name)) throw invalid(`groupBy: "${name.slice(0, 80)}" is not a label`);
    }
  }
  if (r.policyId != null && !isUuid(r.policyId)) {
    throw invalid(`no escalation policy with id ${r.policyId.slice(0, 40)}`);
  }
  if (channelIds.length === 0 && r.policyId == null) {
    throw invalid('a route needs at least one channel or an escalation policy');
  }
  return {
    channelIds,
    ...(r.policyId != null ? { policyId: r.policyId } : {}),
    groupBy,
    groupWaitMs: seconds('groupWaitSeconds', r.groupWaitSeconds ?? 30, 0, 3600) * SECOND,
    groupIntervalMs:
      seconds('groupIntervalSeconds', r.groupIntervalSeconds ?? 300, 1, DAY_SECONDS) * SECOND,
    repeatIntervalMs:
      seconds('repeatIntervalSeconds', r.repeatIntervalSeconds ?? 14_400, 60, 7 * DAY_SECONDS) *
      SECOND,
  };
}

export function checkForSeconds(value: number | null | undefined): number {
  return seconds('forSeconds', value ?? 0, 0, DAY_SECONDS) * SECOND;
}

/** One escalation level as the API takes it. */
export interface LevelFields {
  channelIds?: string[] | null;
  timeoutSeconds: number;
  userIds?: string[] | null;
  rotation?: { userIds: string[]; shiftHours: number; startsAt: Date | string } | null;
  emailChannelId?: string | null;
}

/** People paged by one level at most (listed and in a rotation, each). */
const MAX_PEOPLE_PER_LEVEL = 50;

/**
 * Escalation levels: 1-10, each with a timeout from 60 s to 24 h and at least one target:
 * channels, members, or an on-call rotation (shifts of 1 h to 30 days); people need the e-mail
 * channel that reaches them.
 */
export function toLevels(levels: readonly LevelFields[]): EscalationLevel[] {
  if (levels.length < 1 || levels.length > 10) throw invalid('a policy has 1 to 10 levels');
  return levels.map((level, i) => {
    const at = `levels[${i}]`;
    const channelIds = ids(`${at}.channelIds`, level.channelIds ?? [], MAX_CHANNELS_PER_ROUTE);
    const userIds = people(`${at}.userIds`, level.userIds ?? []);
    const out: EscalationLevel = {
      channelIds,
      timeoutMs: seconds(`${at}.timeoutSeconds`, level.timeoutSeconds, 60, DAY_SECONDS) * SECOND,
    };
    if (userIds.length > 0) out.userIds = userIds;
    if (level.rotation != null) {
      const r = level.rotation;
      const startsAt = new Date(r.startsAt).getTime();
      if (!Number.isFinite(startsAt)) throw invalid(`${at}.rotation.startsAt is not a date`);
      if (!Number.isInteger(r.shiftHours) || r.shiftHours < 1 || r.shiftHours > 720) {
        throw invalid(`${at}.rotation.shiftHours must be an integer from 1 to 720`);
      }
      const rotationIds = people(`${at}.rotation.userIds`, r.userIds);
      if (rotationIds.length === 0) throw invalid(`${at}.rotation needs at least one member`);
      out.rotation = {
        userIds: r.userIds.map((u) => u.toLowerCase()),
        shiftMs: r.shiftHours * 3_600_000,
        startsAt,
      };
    }
    if (level.emailChannelId != null) {
      out.emailChannelId = ids(`${at}.emailChannelId`, [level.emailChannelId], 1)[0];
    }
    const pagesPeople = out.userIds !== undefined || out.rotation !== undefined;
    if (pagesPeople && out.emailChannelId === undefined) {
      throw invalid(`${at}: people are reached through an e-mail channel; give emailChannelId`);
    }
    if (!pagesPeople && channelIds.length === 0) {
      throw invalid(`${at} needs at least one channel, member or rotation`);
    }
    return out;
  });
}

/** Member ids of a level: UUIDs, at most MAX_PEOPLE_PER_LEVEL (a rotation keeps its order). */
function people(field: string, values: readonly string[]): string[] {
  if (values.length > MAX_PEOPLE_PER_LEVEL) {
    throw invalid(`${field}: at most ${MAX_PEOPLE_PER_LEVEL} people`);
  }
  for (const id of values) {
    if (!isUuid(id)) throw invalid(`${field}: no member with id ${id.slice(0, 40)}`);
  }
  return [...new Set(values.map((v) => v.toLowerCase()))];
}

export function checkRepeat(repeat: number | null | undefined): number {
  const value = repeat ?? 0;
  if (!Number.isInteger(value) || value < 0 || value > 10) {
    throw invalid('repeat must be an integer from 0 to 10');
  }
  return value;
}

/** Alertmanager matchers; a syntax error is INVALID_ARGUMENT. An empty list is refused. */
export function checkMatchers(what: string, text: string): Matcher[] {
  let matchers: Matcher[];
  try {
    matchers = parseMatchers(text);
  } catch (err) {
    if (err instanceof MatcherSyntaxError) {
      throw new AlertingError('INVALID_ARGUMENT', `${what}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  if (matchers.length === 0) throw invalid(`${what}: at least one matcher is needed`);
  return matchers;
}

export interface WeeklyFields {
  days: number[];
  start: string;
  end: string;
}

/** A weekly window: days 0 (Sunday) ... 6, `HH:MM` UTC times. */
export function toWeekly(w: WeeklyFields): WeeklyFields {
  if (w.days.length === 0 || w.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
    throw invalid('weekly.days must be 0 (Sunday) to 6 (Saturday), at least one');
  }
  for (const clock of [w.start, w.end]) {
    if (!CLOCK.test(clock)) throw invalid(`weekly time "${clock.slice(0, 20)}" is not HH:MM`);
  }
  return { days: [...new Set(w.days)].sort((a, b) => a - b), start: w.start, end: w.end };
}

export function checkEqual(equal: readonly string[] | null | undefined): string[] {
  const list = equal == null ? [] : stringList('equal', [...equal]);
  for (const name of list) {
    if (!LABEL_NAME.test(name)) throw invalid(`equal: "${name.slice(0, 80)}" is not a label`);
  }
  return list;
}

function required(field: string, value: string | null | undefined): string {
  const text = optionalText(field, value);
  if (text === undefined) throw invalid(`${field} is required for this kind`);
  return text;
}

function optionalText(field: string, value: string | null | undefined): string | undefined {
  if (value == null || value.trim() === '') return undefined;
  if (value.length > 4096) throw invalid(`${field} is longer than 4096 characters`);
  return value.trim();
}

function stringList(field: string, values: string[]): string[] {
  if (values.length > MAX_LIST) throw invalid(`${field}: at most ${MAX_LIST} values`);
  const out = values.map((v) => v.trim());
  if (out.some((v) => v === '' || v.length > 200)) {
    throw invalid(`${field}: values must be 1-200 characters`);
  }
  return [...new Set(out)];
}

function ids(field: string, values: string[], max: number): string[] {
  if (values.length > max) throw invalid(`${field}: at most ${max} channels`);
  for (const id of values) {
    if (!isUuid(id)) throw invalid(`${field}: no alert channel with id ${id.slice(0, 40)}`);
  }
  return [...new Set(values.map((v) => v.toLowerCase()))];
}

function seconds(
  field: string,
  value: number | null | undefined,
  min: number,
  max: number,
): number {
  if (value == null || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be an integer from ${min} to ${max} seconds`);
  }
  return value;
}

function finite(field: string, value: number | null | undefined): number {
  if (value == null || !Number.isFinite(value)) throw invalid(`${field} is required`);
  return value;
}

function oneOf<T extends string>(
  field: string,
  value: string | null | undefined,
  allowed: readonly T[],
): T {
  if (value == null || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${field} must be one of ${allowed.join(' ')}`);
  }
  return value as T;
}
