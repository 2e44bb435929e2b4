import type { LineFormat } from '../../log-format';
import { logfmtFields } from './logfmt.format';
import { scanLogfmt } from './logfmt-scanner';

/**
 * logrus' TextFormatter without a terminal: `time="..." level=info msg="..." key=value`, with
 * `func=` and `file=` when ReportCaller is on.
 */
export const logrusTextFormat: LineFormat = {
  name: 'logrus-text',
  family: 'structured',
  kind: 'line',
  description: 'Go logrus text formatter (time="..." level=... msg="...")',
  priority: -40,
  detect: (line) => line.startsWith('time="') && line.includes(' level='),
  parse(line) {
    const pairs = scanLogfmt(line);
    if (pairs === null || pairs.length < 2 || pairs[0]?.key !== 'time') return null;
    return logfmtFields(pairs);
  },
  samples: [
    {
      line: 'time="2026-11-26T10:11:12Z" level=info msg="A group of walrus emerges from the ocean" animal=walrus size=10',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        level: 'info',
        message: 'A group of walrus emerges from the ocean',
        attributes: { animal: 'walrus', size: 10 },
      },
    },
    {
      line: 'time="2026-11-26T10:12:40+01:00" level=error msg="failed to pull image \\"registry.local/app:1.4\\"" error="rpc error: code = NotFound desc = not found" func="main.pull" file="/src/agent/pull.go:118"',
      expect: {
        timestamp: Date.parse('2026-11-26T09:12:40Z'),
        level: 'error',
        message: 'failed to pull image "registry.local/app:1.4"',
        attributes: {
          'error.message': 'rpc error: code = NotFound desc = not found',
          'log.origin.function': 'main.pull',
          'log.origin.file.name': '/src/agent/pull.go',
          'log.origin.file.line': 118,
        },
      },
    },
    {
      line: 'time="2026-11-26T10:13:00.118372Z" level=warning msg="The group\'s number increased tremendously!" number=122 omg=true',
      expect: {
        level: 'warning',
        message: "The group's number increased tremendously!",
        attributes: { number: 122, omg: 'true' },
      },
    },
  ],
};
