#!/usr/bin/env node
import 'reflect-metadata';

import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { DatabaseModule } from './common/database/database.module';
import { MailModule } from './common/mail/mail.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { MembershipService } from './modules/tenancy/membership.service';
import { ROLES, type Role } from './modules/tenancy/principal';
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
  migrate                                 create the database if missing and apply migrations

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

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`vigil: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
