#!/usr/bin/env node
import 'reflect-metadata';

import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { DatabaseModule } from './common/database/database.module';
import { MailModule } from './common/mail/mail.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { formatsCommand, parseCommand } from './modules/formats/format-cli';
import { patternsCommand } from './modules/patterns/patterns-cli';
import { remediationCommand } from './modules/remediation/remediation-cli';
import { ApiKeyLifecycleService } from './modules/tenancy/api-key-lifecycle.service';
import { MembershipService } from './modules/tenancy/membership.service';
import { ROLES, type Role, SCOPES, type Scope } from './modules/tenancy/principal';
import { TenancyModule } from './modules/tenancy/tenancy.module';
import { TenancyService } from './modules/tenancy/tenancy.service';
import { UserRepository } from './modules/tenancy/user.repository';

const USAGE = `Usage: vigil <command>

Commands:
  serve                                   start the service (same as node dist/src/main.js)
  tenant create NAME [--retention-days N] create a tenant and print its API keys (shown once)
  tenant list                             list tenants
  user create EMAIL --tenant SLUG --role ROLE [--password-stdin]
                                          add a user to a tenant (role: owner, admin, editor,
                                          viewer); with --password-stdin the password is read
                                          from standard input, else a one-time invitation link
                                          is printed
  key create TENANT NAME --scopes S[,S] [--expires-at ISO-8601]
                                          create an API key (scopes: ingest, read, admin)
  key list TENANT                         list a tenant's API keys (never their secrets)
  key revoke TENANT KEY_ID                revoke a key on every running replica at once
  migrate                                 create the database if missing and apply migrations
  parse FILE [--format NAME|auto]         parse a log file (- for stdin) as ingest would and
                                          print one JSON record per line, with its format
  formats                                 list the log formats Vigil detects
  remediation halt|resume|status          the installation-wide kill switch of runbooks: halt
                                          stops every run at its next step, on every replica
  patterns FILE [--format auto|text|NAME] [--per-line]
                                          mine a log file's templates (- for stdin): a table of
                                          patterns with counts, or with --per-line one JSON
                                          {"templateId", "template"} per input line, in order;
                                          auto strips each line's header as ingest does, text
                                          mines whole lines

Configuration comes from the environment (DATABASE_URL, REDIS_URL, ...); see README.md.
`;

@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        MailModule,
        TenancyModule,
      ],
    };
  }
}

async function withTenancy<T>(
  work: (tenancy: TenancyService, get: <S>(type: new (...args: never[]) => S) => S) => Promise<T>,
): Promise<T> {
  const ctx = await NestFactory.createApplicationContext(
    CliModule.forRoot(AppConfig.fromProcessEnv()),
    {
      logger: ['error'],
    },
  );
  try {
    return await work(ctx.get(TenancyService), (type) => ctx.get(type));
  } finally {
    await ctx.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function run(args: string[]): Promise<number> {
  const [command, sub, ...rest] = args;
  if (command === 'serve') {
    await import('./main');
    return -1; // keeps running
  }
  if (command === 'parse' && sub !== undefined) {
    return parseCommand({ file: sub, format: option(rest, '--format'), out: process.stdout });
  }
  if (command === 'formats') return formatsCommand(process.stdout);
  if (command === 'remediation') {
    const code = await remediationCommand(sub, AppConfig.fromProcessEnv(), process.stdout);
    if (code !== 2) return code;
  }
  if (command === 'patterns' && sub !== undefined) {
    return patternsCommand({
      file: sub,
      format: option(rest, '--format'),
      perLine: rest.includes('--per-line'),
      out: process.stdout,
    });
  }
  if (command === 'migrate') {
    await withTenancy(async () => undefined);
    process.stdout.write('database ready, migrations applied\n');
    return 0;
  }
  if (command === 'tenant' && sub === 'create' && rest[0] && !rest[0].startsWith('--')) {
    const retention = option(rest, '--retention-days');
    const retentionDays = retention === undefined ? undefined : Number(retention);
    if (retentionDays !== undefined && !(Number.isInteger(retentionDays) && retentionDays > 0)) {
      process.stderr.write('--retention-days must be a positive whole number\n');
      return 2;
    }
    const created = await withTenancy((t) => t.createTenant(rest[0] as string, { retentionDays }));
    process.stdout.write(`Created tenant "${created.tenant.slug}" (${created.tenant.id}).\n`);
    process.stdout.write('API keys (shown once; only their hashes are stored):\n');
    for (const key of created.keys) {
      process.stdout.write(`  ${key.name.padEnd(7)} ${key.key}  scopes: ${key.scopes.join(',')}\n`);
    }
    return 0;
  }
  if (command === 'tenant' && sub === 'list') {
    const tenants = await withTenancy((t) => t.listTenants());
    for (const t of tenants) {
      process.stdout.write(`${t.slug}\t${t.id}\tretention=${t.retentionDays ?? 'default'}\n`);
    }
    return 0;
  }
  if (command === 'user' && sub === 'create' && rest[0] && !rest[0].startsWith('--')) {
    return createUser(rest[0], rest);
  }
  if (command === 'key') {
    const code = await keyCommand(sub, rest);
    if (code !== null) return code;
  }
  process.stderr.write(USAGE);
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

async function createUser(email: string, args: string[]): Promise<number> {
  const slug = option(args, '--tenant');
  const role = option(args, '--role');
  if (!slug || !role || !(ROLES as readonly string[]).includes(role)) {
    process.stderr.write(`--tenant SLUG and --role (${ROLES.join(', ')}) are required\n`);
    return 2;
  }
  const password = args.includes('--password-stdin') ? await readStdin() : null;
  return withTenancy(async (_tenancy, get) => {
    const tenant = await get(UserRepository).tenantBySlug(slug);
    if (!tenant) {
      process.stderr.write(`no tenant "${slug}"\n`);
      return 1;
    }
    const members = get(MembershipService);
    if (password !== null) {
      const user = await members.createMember(tenant, email, role as Role, password);
      process.stdout.write(
        `User ${user.email} is ${role} of "${tenant.slug}"; sign in with the password given.\n`,
      );
      return 0;
    }
    const link = await members.createInvitation(
      tenant,
      email.trim().toLowerCase(),
      role as Role,
      null,
    );
    process.stdout.write(
      `Invitation for ${email} as ${role} of "${tenant.slug}" (one use, 7 days):\n  ${link}\n`,
    );
    return 0;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `vigil key ...`; null when the arguments are not a key command (the usage is printed). */
async function keyCommand(sub: string | undefined, rest: string[]): Promise<number | null> {
  const [slug, second] = rest;
  if (!slug || slug.startsWith('--')) return null;
  const tenantId = async (tenancy: TenancyService): Promise<string> => {
    const tenant = (await tenancy.listTenants()).find((t) => t.slug === slug);
    if (!tenant) throw new Error(`no tenant "${slug}"`);
    return tenant.id;
  };
  if (sub === 'create' && second && !second.startsWith('--')) {
    const scopes = (option(rest, '--scopes') ?? '').split(',').filter(Boolean);
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      process.stderr.write(`--scopes must list some of ${SCOPES.join(', ')}\n`);
      return 2;
    }
    const expiry = option(rest, '--expires-at');
    const expiresAt = expiry === undefined ? null : new Date(expiry);
    if (expiresAt && Number.isNaN(expiresAt.getTime())) {
      process.stderr.write('--expires-at must be an ISO-8601 date and time\n');
      return 2;
    }
    const issued = await withTenancy(async (tenancy, get) =>
      get(ApiKeyLifecycleService).create(null, await tenantId(tenancy), {
        name: second,
        scopes: scopes as Scope[],
        expiresAt,
      }),
    );
    process.stdout.write(`Created API key ${issued.key.id} "${issued.key.name}".\n`);
    process.stdout.write(`key ${issued.secret}  scopes: ${issued.key.scopes.join(',')}\n`);
    process.stdout.write('(shown once; only its hash is stored)\n');
    return 0;
  }
  if (sub === 'list') {
    const listed = await withTenancy(async (tenancy, get) =>
      get(ApiKeyLifecycleService).list(await tenantId(tenancy)),
    );
    for (const k of listed) {
      const state = k.revokedAt
        ? 'revoked'
        : k.expiresAt && k.expiresAt <= new Date()
          ? 'expired'
          : 'active';
      process.stdout.write(
        `${k.id}\t${k.prefix}…\t${k.name}\t${k.scopes.join(',')}\t${state}\tlast used ${k.lastUsedAt?.toISOString() ?? 'never'}\n`,
      );
    }
    return 0;
  }
  if (sub === 'revoke' && second) {
    const revoked = await withTenancy(async (tenancy, get) =>
      get(ApiKeyLifecycleService).revoke(null, await tenantId(tenancy), second),
    );
    process.stdout.write(`Revoked API key ${revoked.id} "${revoked.name}".\n`);
    return 0;
  }
  return null;
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`vigil: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
