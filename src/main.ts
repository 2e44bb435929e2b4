import { AppConfig } from './config/app-config';
import { startVigil } from './app.factory';

async function main(): Promise<void> {
  const config = AppConfig.fromProcessEnv();
  const vigil = await startVigil(config);
  if (vigil.bootstrap && !config.bootstrapApiKey) {
    const key = vigil.bootstrap.keys[0];
    // Printed once: the key is stored only as a hash.
    process.stdout.write(
      `\nCreated tenant "default". Its admin API key (shown once, keep it):\n\n  ${key?.key}\n\n`,
    );
  }
  process.stdout.write(
    `Vigil listening: http://${config.host}:${vigil.port}/graphql` +
      (vigil.esPort !== null ? `, Elasticsearch API on port ${vigil.esPort}` : '') +
      '\n',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: draining and stopping\n`);
    vigil.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Vigil failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
