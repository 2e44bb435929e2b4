import { randomBytes } from 'node:crypto';

import type { ChannelKind, ChannelTarget } from '../channels/alert-channel';
import { CHANNEL_KINDS, invalid } from './alert-config.validation';

/** Every field a channel input may carry, per kind; absent ones keep their stored value. */
export interface ChannelFields {
  slack?: {
    webhookUrl?: string | null;
    token?: string | null;
    channel?: string | null;
    apiUrl?: string | null;
    signingSecret?: string | null;
  } | null;
  pagerduty?: { routingKey?: string | null; apiUrl?: string | null } | null;
  email?: {
    host?: string | null;
    port?: number | null;
    secure?: boolean | null;
    user?: string | null;
    password?: string | null;
    from?: string | null;
    to?: string[] | null;
  } | null;
  webhook?: { url?: string | null; secret?: string | null } | null;
  teams?: { webhookUrl?: string | null } | null;
  opsgenie?: { apiKey?: string | null; apiUrl?: string | null } | null;
}

/** Every stored field of every kind (settings and opened secrets), for building a target. */
interface StoredFields {
  webhookUrl?: string;
  signingSecret?: string;
  token: string;
  channel: string;
  apiUrl?: string;
  routingKey: string;
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  to: string[];
  url: string;
  secret: string;
  apiKey: string;
}

/** A channel split for storage: what may be shown, and what is sealed. */
export interface ChannelConfig {
  kind: ChannelKind;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** The secret fields of each kind: sealed, never returned. */
export const SECRET_FIELDS: Readonly<Record<ChannelKind, readonly string[]>> = {
  slack: ['webhookUrl', 'token', 'signingSecret'],
  pagerduty: ['routingKey'],
  email: ['password'],
  webhook: ['url', 'secret'],
  teams: ['webhookUrl'],
  opsgenie: ['apiKey'],
};

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const HOST = /^[A-Za-z0-9.:[\]-]{1,253}$/;
/** What an HTTP header value may carry: printable ASCII, no spaces. */
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

/** The one kind the input configures; INVALID_ARGUMENT when none or several are given. */
export function kindOf(input: ChannelFields): ChannelKind {
  const given = CHANNEL_KINDS.filter((k) => input[k] != null);
  if (given.length !== 1) {
    throw invalid(`give exactly one of ${CHANNEL_KINDS.join(', ')}`);
  }
  return given[0]!;
}

/**
 * Merges the input over the stored configuration (`previous`, when updating) and validates the
 * result. A webhook without a secret gets a generated one (`generatedSecret`).
 */
export function toChannelConfig(
  kind: ChannelKind,
  input: ChannelFields,
  previous?: ChannelConfig,
): { config: ChannelConfig; generatedSecret?: string } {
  const old = { ...(previous?.settings ?? {}), ...(previous?.secrets ?? {}) } as Record<
    string,
    unknown
  >;
  const other = CHANNEL_KINDS.find((k) => k !== kind && input[k] != null);
  if (other !== undefined) {
    throw invalid(`this is a ${kind} channel; its kind cannot change to ${other}`);
  }
  const given = stripNull(input[kind] ?? {});
  if (kind === 'slack' && given.webhookUrl !== undefined) {
    delete old.token;
    delete old.channel;
    delete old.apiUrl;
  }
  if (kind === 'slack' && given.token !== undefined) delete old.webhookUrl;
  const v = { ...old, ...given };
  switch (kind) {
    case 'slack': {
      // The Slack app's signing secret verifies its button clicks (interactivity endpoint).
      const signing: Record<string, string> =
        v.signingSecret !== undefined
          ? { signingSecret: text('signingSecret', v.signingSecret, 200) }
          : {};
      if (typeof v.webhookUrl === 'string') {
        return config(kind, {}, { webhookUrl: url('webhookUrl', v.webhookUrl), ...signing });
      }
      const token = text('token', v.token, 500);
      const channel = text('channel', v.channel, 200);
      return config(
        kind,
        { channel, ...(v.apiUrl !== undefined ? { apiUrl: url('apiUrl', v.apiUrl) } : {}) },
        { token, ...signing },
      );
    }
    case 'pagerduty':
      return config(kind, v.apiUrl !== undefined ? { apiUrl: url('apiUrl', v.apiUrl) } : {}, {
        routingKey: text('routingKey', v.routingKey, 200),
      });
    case 'email': {
      const host = text('host', v.host, 253);
      if (!HOST.test(host)) throw invalid('host is not a host name or address');
      const port = v.port;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
        throw invalid('port must be 1-65535');
      }
      if (typeof v.secure !== 'boolean') throw invalid('secure is required');
      const from = text('from', v.from, 320);
      if (!EMAIL.test(from)) throw invalid('from is not an e-mail address');
      const to = Array.isArray(v.to) ? (v.to as unknown[]) : [];
      if (
        to.length < 1 ||
        to.length > 50 ||
        to.some((a) => typeof a !== 'string' || !EMAIL.test(a))
      ) {
        throw invalid('to must be 1-50 e-mail addresses');
      }
      const user = v.user === undefined ? undefined : text('user', v.user, 320);
      const password = v.password === undefined ? undefined : text('password', v.password, 1000);
      return config(
        kind,
        { host, port, secure: v.secure, from, to, ...(user !== undefined ? { user } : {}) },
        password !== undefined ? { password } : {},
      );
    }
    case 'webhook': {
      const target = url('url', v.url);
      if (v.secret !== undefined) {
        const secret = text('secret', v.secret, 500);
        if (secret.length < 16) throw invalid('secret must be at least 16 characters');
        return config(kind, {}, { url: target, secret });
      }
      const generatedSecret = randomBytes(32).toString('base64url');
      return { ...config(kind, {}, { url: target, secret: generatedSecret }), generatedSecret };
    }
    case 'teams':
      return config(kind, {}, { webhookUrl: url('webhookUrl', v.webhookUrl) });
    case 'opsgenie': {
      const apiKey = text('apiKey', v.apiKey, 200);
      if (!HEADER_TOKEN.test(apiKey))
        throw invalid('apiKey must be printable ASCII without spaces');
      return config(kind, v.apiUrl !== undefined ? { apiUrl: baseUrl('apiUrl', v.apiUrl) } : {}, {
        apiKey,
      });
    }
  }
}

/** The URLs and hosts a configuration reaches, for the outbound (SSRF) check. */
export function outboundOf(c: ChannelConfig): { urls: string[]; hosts: string[] } {
  const all = { ...c.settings, ...c.secrets } as Record<string, unknown>;
  const urls = ['webhookUrl', 'apiUrl', 'url']
    .map((k) => all[k])
    .filter((u): u is string => typeof u === 'string');
  return { urls, hosts: c.kind === 'email' ? [String(all.host)] : [] };
}

/** The delivery target of a stored configuration (secrets opened). */
export function toTarget(c: ChannelConfig, allowPrivateNetwork: boolean): ChannelTarget {
  const v = { ...c.settings, ...c.secrets } as unknown as StoredFields;
  const base = { allowPrivateNetwork };
  switch (c.kind) {
    case 'slack':
      return v.webhookUrl !== undefined
        ? {
            ...base,
            kind: 'slack',
            webhookUrl: v.webhookUrl,
            ...(v.signingSecret !== undefined ? { signingSecret: v.signingSecret } : {}),
          }
        : {
            ...base,
            ...(v.signingSecret !== undefined ? { signingSecret: v.signingSecret } : {}),
            kind: 'slack',
            token: v.token,
            channel: v.channel,
            ...(v.apiUrl !== undefined ? { apiUrl: v.apiUrl } : {}),
          };
    case 'pagerduty':
      return {
        ...base,
        kind: 'pagerduty',
        routingKey: v.routingKey,
        ...(v.apiUrl !== undefined ? { apiUrl: v.apiUrl } : {}),
      };
    case 'email':
      return {
        ...base,
        kind: 'email',
        host: v.host,
        port: v.port,
        secure: v.secure,
        from: v.from,
        to: v.to,
        ...(v.user !== undefined ? { user: v.user } : {}),
        ...(v.password !== undefined ? { password: v.password } : {}),
      };
    case 'webhook':
      return { ...base, kind: 'webhook', url: v.url, secret: v.secret };
    case 'teams':
      return { ...base, kind: 'teams', webhookUrl: v.webhookUrl! };
    case 'opsgenie':
      return {
        ...base,
        kind: 'opsgenie',
        apiKey: v.apiKey,
        ...(v.apiUrl !== undefined ? { apiUrl: v.apiUrl } : {}),
      };
  }
}

function config(
  kind: ChannelKind,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
): { config: ChannelConfig } {
  return { config: { kind, settings, secrets } };
}

function stripNull(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required`);
  if (value.length > max) throw invalid(`${field} is longer than ${max} characters`);
  return value.trim();
}

function url(field: string, value: unknown): string {
  const s = text(field, value, 2048);
  let parsed: URL;
  try {
    parsed = new URL(s);
  } catch {
    throw invalid(`${field} is not a valid URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid(`${field} must be an http(s) URL`);
  }
  return s;
}

/** An API base URL (paths are appended to it): no query or fragment, no trailing slash. */
function baseUrl(field: string, value: unknown): string {
  const s = url(field, value);
  const parsed = new URL(s);
  if (parsed.search !== '' || parsed.hash !== '' || s.includes('?') || s.includes('#')) {
    throw invalid(`${field} must be a base URL without a query or fragment`);
  }
  return s.replace(/\/+$/, '');
}
