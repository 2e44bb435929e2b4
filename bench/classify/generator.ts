/**
 * A seeded generator of application log lines for the categories the loghub samples lack
 * (database, dependency failures, deployments, configuration, performance, application errors)
 * and more of those they have (security, authentication, network, storage, routine). Each template
 * is a line with `{placeholders}`: variables (`{ip}`, `{ms}`, `{table}`, …) and word choices
 * (`{pick:a|b}`) that change the wording inside one template. Templates deliberately share words
 * across categories (timeouts, connections, 5xx codes, "failed"), as real logs do.
 */
import { TEMPLATES, type GeneratedTemplate } from './generator-templates';

export interface GeneratedLine {
  message: string;
  severity: string;
  service: string;
  category: string;
  /** `gen:<category>:<n>`: one id per template. */
  patternId: string;
  template: string;
  paramCount: number;
}

const SERVICES = [
  'checkout-api',
  'orders',
  'payments',
  'auth-service',
  'api-gateway',
  'inventory',
  'search',
  'notifications',
  'billing-worker',
  'user-service',
  'reporting',
  'scheduler',
];
const WORDS: Record<string, string[]> = {
  table: [
    'orders',
    'users',
    'payments',
    'invoices',
    'sessions',
    'line_items',
    'audit_log',
    'carts',
  ],
  user: ['alice', 'bob', 'admin', 'svc_report', 'jdoe', 'm.smith', 'root', 'deploy', 'guest'],
  svc: ['payments-api', 'inventory-svc', 'pricing', 'geo-service', 'recommendations', 'ledger'],
  host: ['db-1.internal', 'cache-02.prod', 'api.stripe.com', 'auth.example.net', 'mq-3.local'],
  method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
  route: ['/api/v1/orders', '/api/v2/cart', '/login', '/checkout', '/graphql', '/users/me'],
  app: ['checkout', 'orders-api', 'web', 'worker', 'search-indexer', 'billing'],
  env: ['production', 'staging', 'eu-west-1', 'us-east-1'],
  key: ['max_connections', 'retry.backoff', 'cache.ttl', 'log_level', 'smtp.port', 'pool.size'],
  VAR: ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'SMTP_HOST', 'STRIPE_KEY', 'S3_BUCKET'],
  file: ['config.yaml', 'app.properties', 'settings.json', '.env', 'values.yaml'],
  cls: ['OrderService', 'CartController', 'InvoiceMapper', 'UserRepository', 'PriceCalculator'],
  bucket: ['acme-uploads', 'invoices-prod', 'backups-eu', 'media-cache'],
  mount: ['/', '/var/lib/data', '/mnt/ssd0', '/var/log'],
  iface: ['eth0', 'ens5', 'bond0', 'eth1'],
  provider: ['Stripe', 'Twilio', 'SendGrid', 'Adyen', 'PayPal'],
  pod: ['web-7d9f8-x2k4p', 'worker-5c6b9-qq8lz', 'api-66f7d-mn3s2'],
};

export interface Rng {
  (): number;
}

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const choose = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
const hex = (rng: Rng, n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[int(rng, 0, 15)]).join('');

function variable(name: string, arg: string, rng: Rng): string {
  switch (name) {
    case 'ip':
      return `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
    case 'pubip':
      return `${int(rng, 23, 220)}.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
    case 'port':
      return String(choose(rng, [5432, 6379, 443, 8080, 9092, 3306, 27017, int(rng, 1024, 65535)]));
    case 'ms':
      return String(int(rng, 2, 30000));
    case 's':
      return String(int(rng, 1, 900));
    case 'int': {
      const [lo, hi] = arg.split('-').map(Number);
      return String(int(rng, lo ?? 0, hi ?? 1000));
    }
    case 'pct':
      return String(int(rng, 50, 100));
    case 'uuid':
      return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;
    case 'hex':
      return hex(rng, Number(arg) || 12);
    case 'ver':
      return `${int(rng, 1, 9)}.${int(rng, 0, 30)}.${int(rng, 0, 99)}`;
    case 'size':
      return `${int(rng, 1, 999)}${choose(rng, ['KB', 'MB', 'GB'])}`;
    case 'path':
      return (
        choose(rng, ['/var/lib/app/', '/srv/data/', '/tmp/uploads/', '/opt/app/cache/']) +
        hex(rng, 6) +
        choose(rng, ['.dat', '.json', '.bin', ''])
      );
    case 'email':
      return `${choose(rng, WORDS.user!)}${int(rng, 1, 99)}@example.com`;
    case 'id':
      return `${choose(rng, ['req', 'job', 'ord', 'txn'])}_${hex(rng, 10)}`;
    case 'pick':
      return choose(rng, arg.split('|'));
    default: {
      const list = WORDS[name];
      if (list === undefined) throw new Error(`unknown placeholder {${name}}`);
      return choose(rng, list);
    }
  }
}

const PLACEHOLDER = /\{(\w+)(?::([^}]*))?\}/g;

/** Renders one template: the line, its masked form and its number of parameters. */
export function render(
  t: GeneratedTemplate,
  rng: Rng,
): { message: string; template: string; params: number } {
  let params = 0;
  const message = t.text.replace(PLACEHOLDER, (_, name: string, arg: string | undefined) => {
    if (name !== 'pick') params++;
    return variable(name, arg ?? '', rng);
  });
  const template = t.text.replace(PLACEHOLDER, (_, name: string, arg: string | undefined) =>
    name === 'pick' ? (arg ?? '').split('|')[0]! : '<*>',
  );
  return { message, template, params };
}

/** `perCategory` lines of each category, templates used round-robin in a random order. */
export function generateLines(perCategory: number, rng: Rng): GeneratedLine[] {
  const out: GeneratedLine[] = [];
  for (const [category, templates] of Object.entries(TEMPLATES)) {
    for (let i = 0; i < perCategory; i++) {
      const k = i < templates.length ? i : int(rng, 0, templates.length - 1);
      const t = templates[k]!;
      const { message, template, params } = render(t, rng);
      out.push({
        message,
        severity: choose(rng, t.severity.split('|')),
        service: choose(rng, SERVICES),
        category,
        patternId: `gen:${category}:${k}`,
        template,
        paramCount: params,
      });
    }
  }
  return out;
}
