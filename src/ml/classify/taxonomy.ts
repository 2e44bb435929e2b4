import { SEVERITY_LEVELS, type SeverityLevel } from './severity';

/**
 * One category and the seed rules that weakly label it. Rules are data (strings), so a tenant's
 * taxonomy can be stored as JSON: `keywords` match whole tokens of {@link LogTextTokenizer}
 * (lower-case words, identifier pieces, class tokens such as `<exception>`), `patterns` are
 * case-insensitive regular expression sources tested on the raw message.
 */
export interface CategoryDefinition {
  name: string;
  description: string;
  keywords?: readonly string[];
  patterns?: readonly string[];
}

/**
 * A category taxonomy. The order of `categories` breaks ties between equally matched rules
 * (earlier wins). `severityFallbacks` labels a line that no rule matches by its severity.
 */
export interface Taxonomy {
  version: 1;
  categories: readonly CategoryDefinition[];
  severityFallbacks?: Partial<Record<SeverityLevel, string>>;
}

/** Splits a space-separated keyword list. */
const w = (words: string): string[] => words.split(' ');

/**
 * Vigil's default taxonomy: what a log line is about, for routing and filtering. Topics first
 * (security before authentication, so a brute-force alarm is security), `routine` last: the
 * normal lifecycle chatter (started, stopped, health checks) that needs no one's attention.
 */
export const DEFAULT_TAXONOMY: Taxonomy = {
  version: 1,
  categories: [
    {
      name: 'security',
      description:
        'Attacks and threats, access-control denials, TLS and certificate problems, audit events',
      keywords: w(
        'intrusion attack attacker malicious malware exploit injection xss csrf firewall forbidden tls ssl certificate cert x509 cipher brute scanner suspicious selinux apparmor vulnerability cve waf ddos blocklist blacklisted quarantined breach tampering',
      ),
      patterns: [
        'break-?in attempt',
        'sql injection',
        'certificate (has )?(expired|revoked)',
        'access denied',
        'permission denied',
        'not allowed',
        'blocked (request|ip|address)',
      ],
    },
    {
      name: 'authentication',
      description: 'Logins, passwords, tokens, sessions and identity providers',
      keywords: w(
        'authentication authenticate authenticated auth login logon logged password passwd credentials credential unauthorized unauthenticated token jwt oauth saml sso mfa session pam_unix kerberos ldap sudo user logout 401',
      ),
      patterns: ['failed password', 'invalid user', 'authentication fail', 'login fail'],
    },
    {
      name: 'database',
      description: 'SQL and NoSQL databases: queries, transactions, locks, pools, replication',
      keywords: w(
        'database db sql query postgres postgresql mysql mariadb oracle mongodb mongo deadlock transaction sqlstate jdbc hikari hikaricp cassandra replication table rows',
      ),
      patterns: [
        'ora-\\d+',
        'lock wait timeout',
        'duplicate key',
        'too many connections',
        'relation .* does not exist',
        'connection pool',
      ],
    },
    {
      name: 'network',
      description: 'Connectivity: DNS, sockets, TCP resets and timeouts, unreachable hosts',
      keywords: w(
        'network socket tcp udp dns unreachable econnreset econnrefused etimedout ehostunreach enetunreach enotfound eai_again packet packets interface disconnect disconnected peer connection',
      ),
      patterns: [
        'connection (reset|refused|closed|timed out)',
        'no route to host',
        'name resolution',
      ],
    },
    {
      name: 'storage',
      description: 'Disks, volumes, file systems, object stores and block storage',
      keywords: w(
        'disk volume filesystem inode quota mount mounted storage s3 bucket enospc eio erofs edquot raid nfs block blocks hdfs datanode namenode snapshot backup',
      ),
      patterns: ['no space left', 'disk (is )?full', 'read-only file system', 'i/o error'],
    },
    {
      name: 'performance',
      description: 'Slowness and resource pressure: latency, CPU, memory, GC, queues, throttling',
      keywords: w(
        'slow latency cpu memory heap gc oom throttled throttling backlog lag p99 p95 overloaded degraded saturated',
      ),
      patterns: [
        'slow (request|query|response)',
        'took \\d+(\\.\\d+)? ?(ms|s)\\b',
        'gc pause',
        'high (cpu|memory|load)',
        'exceeded .*threshold',
      ],
    },
    {
      name: 'configuration',
      description: 'Missing, invalid or deprecated settings, environment and feature flags',
      keywords: w(
        'config configuration configured misconfigured setting settings property properties env environment yaml yml deprecated option parameter flag',
      ),
      patterns: [
        'missing (required )?(config|setting|environment variable|key)',
        'invalid (value|config)',
        'unknown (option|property|parameter)',
        'not configured',
        'defaulting to',
      ],
    },
    {
      name: 'dependency_failure',
      description: 'An upstream service or third-party API failing, timing out or unavailable',
      keywords: w(
        'upstream downstream dependency circuit breaker retrying retries unavailable provider webhook fallback 502 503 504',
      ),
      patterns: [
        'circuit breaker',
        'service unavailable',
        'bad gateway',
        'gateway time-?out',
        'retries exhausted',
        'upstream .*(failed|error|unavailable|timed out)',
      ],
    },
    {
      name: 'application_error',
      description: 'Bugs and crashes in the application: exceptions, panics, failed assertions',
      keywords: w(
        'exception <exception> traceback stacktrace panic segfault crash crashed unhandled uncaught assertion undefined null nil abnormally',
      ),
      patterns: [
        'unhandled (exception|rejection)',
        'traceback \\(most recent call last\\)',
        'cannot read propert',
        'is not a function',
        'index out of (range|bounds)',
      ],
    },
    {
      name: 'deployment',
      description: 'Releases and rollouts: deploys, versions, migrations, scaling, restarts',
      keywords: w(
        'deploy deployed deploying deployment rollout rollback release version upgrade upgraded canary helm pod replicaset image migration migrations scaled scaling',
      ),
      patterns: ['rolling (update|restart)', 'deployed version', 'back-?off restarting'],
    },
    {
      name: 'routine',
      description: 'Normal lifecycle and housekeeping: starts, stops, health checks, jobs done',
      keywords: w(
        'started starting startup stopped stopping shutdown succeeded successfully completed ok initialized initializing ready listening heartbeat healthy scheduled cron registered loaded enabled done finished',
      ),
    },
  ],
  severityFallbacks: {
    fatal: 'application_error',
    error: 'application_error',
    info: 'routine',
    debug: 'routine',
    trace: 'routine',
  },
};

/** The category names of a taxonomy, in order. */
export function categoryNames(taxonomy: Taxonomy): string[] {
  return taxonomy.categories.map((c) => c.name);
}

/**
 * Checks a taxonomy read from storage or supplied by a tenant and returns it typed: non-empty
 * distinct names, string rules, regular expressions that compile, fallbacks naming a category.
 * Throws TypeError otherwise. (The regular expressions run on every weakly labelled line: a
 * service accepting tenant taxonomies should also vet them for catastrophic backtracking.)
 */
export function validateTaxonomy(value: unknown): Taxonomy {
  const t = value as Partial<Taxonomy> | null;
  if (typeof t !== 'object' || t === null || t.version !== 1) {
    throw new TypeError('taxonomy: expected an object with version 1');
  }
  if (!Array.isArray(t.categories) || t.categories.length < 2) {
    throw new TypeError('taxonomy: needs at least two categories');
  }
  const names = new Set<string>();
  const strings = (x: unknown, what: string): void => {
    if (x === undefined) return;
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string' || s === '')) {
      throw new TypeError(`taxonomy: ${what} must be an array of non-empty strings`);
    }
  };
  for (const c of t.categories as unknown[]) {
    const d = c as Partial<CategoryDefinition> | null;
    if (typeof d !== 'object' || d === null || typeof d.name !== 'string' || d.name === '') {
      throw new TypeError('taxonomy: each category needs a non-empty name');
    }
    if (names.has(d.name)) throw new TypeError(`taxonomy: category "${d.name}" appears twice`);
    names.add(d.name);
    if (typeof d.description !== 'string') {
      throw new TypeError(`taxonomy: category "${d.name}" needs a description`);
    }
    strings(d.keywords, `keywords of "${d.name}"`);
    strings(d.patterns, `patterns of "${d.name}"`);
    for (const p of d.patterns ?? []) {
      try {
        new RegExp(p, 'i');
      } catch (cause) {
        throw new TypeError(`taxonomy: pattern ${JSON.stringify(p)} does not compile`, { cause });
      }
    }
  }
  const fallbacks = t.severityFallbacks ?? {};
  if (typeof fallbacks !== 'object' || fallbacks === null) {
    throw new TypeError('taxonomy: severityFallbacks must be an object');
  }
  for (const [level, name] of Object.entries(fallbacks)) {
    if (!(SEVERITY_LEVELS as readonly string[]).includes(level)) {
      throw new TypeError(`taxonomy: unknown severity "${level}" in severityFallbacks`);
    }
    if (typeof name !== 'string' || !names.has(name)) {
      throw new TypeError(`taxonomy: severity fallback "${String(name)}" is not a category`);
    }
  }
  return t as Taxonomy;
}
