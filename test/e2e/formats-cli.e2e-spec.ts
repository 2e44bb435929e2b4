import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// The built CLI (npm run build), as users run it.
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

interface PrintedRecord {
  body: string;
  format: string;
  timestamp: number;
  severityText: string;
  attributes: Record<string, unknown>;
}

const JAVA_TRACE = [
  'Exception in thread "main" java.lang.IllegalStateException: boom',
  '\tat com.example.App.run(App.java:22)',
  '\tat com.example.App.main(App.java:5)',
  'Caused by: java.io.IOException: disk full',
  '\t... 2 more',
];

describe('vigil parse / vigil formats (built CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-parse-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const records = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as PrintedRecord);

  it('prints one JSON record per input record, joining a stack trace', async () => {
    const file = join(dir, 'app.log');
    await writeFile(
      file,
      [
        'worker started',
        ...JAVA_TRACE,
        '',
        '{"level":"warn","msg":"slow disk","ms":1200}',
        'bye',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, [CLI, 'parse', file]);
    const printed = records(stdout);
    expect(printed.map((r) => [r.format, r.body])).toEqual([
      ['text', 'worker started'],
      ['text', JAVA_TRACE.join('\n')],
      ['json', 'slow disk'],
      ['text', 'bye'],
    ]);
    expect(printed[2]).toMatchObject({ severityText: 'warn', attributes: { ms: 1200 } });
  });

  it('reads standard input with -, and pins a format with --format', async () => {
    const child = spawn(process.execPath, [CLI, 'parse', '-', '--format', 'text'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stdin.end('{"msg":"kept as text"}\nsecond\n');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(records(stdout).map((r) => [r.format, r.body])).toEqual([
      ['text', '{"msg":"kept as text"}'],
      ['text', 'second'],
    ]);
  });

  it('refuses an unknown format', async () => {
    await expect(
      run(process.execPath, [CLI, 'parse', '-', '--format', 'nope']),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('unknown format "nope"') as unknown,
    });
  });

  it('lists the formats with family and description', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'formats']);
    expect(stdout).toMatch(/^text\s+text\s+Plain text/m);
    expect(stdout).toMatch(/^json\s+structured\s+Generic JSON/m);
  });
});
