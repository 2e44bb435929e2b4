import { existsSync, readFileSync } from 'node:fs';

import { groupingAccuracy } from '../eval/grouping-accuracy';
import { TemplateMiner } from './template-miner';

const DIR = '/work/shared/datasets/loghub';

/** Published Drain grouping accuracy on the loghub-2.0 corrected 2k samples (see the README there). */
const DRAIN_GA: Record<string, number> = { HDFS: 0.998, Apache: 1, OpenSSH: 0.789, Linux: 0.69 };

/** Content and corrected EventId columns (the Content field may be quoted). */
function load(name: string): { content: string[]; ids: string[] } {
  const rows = readFileSync(
    `${DIR}/${name}/${name}_2k.log_structured_corrected_loghub2.csv`,
    'utf8',
  )
    .split('\n')
    .slice(1)
    .filter(Boolean);
  const content: string[] = [];
  const ids: string[] = [];
  for (const row of rows) {
    // The last two fields are EventId and EventTemplate; Content is the field before them.
    const m = /,("(?:[^"]|"")*"|[^,]*),(E\d+),("(?:[^"]|"")*"|[^,]*)$/.exec(row);
    if (!m) throw new Error(`unparsed row: ${row}`);
    const raw = m[1] as string;
    content.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw);
    ids.push(m[2] as string);
  }
  return { content, ids };
}

(existsSync(DIR) ? describe : describe.skip)('TemplateMiner on the loghub 2k samples', () => {
  it.each(Object.keys(DRAIN_GA))(
    'groups %s at least as well as published Drain, default options',
    (name) => {
      const { content, ids } = load(name);
      const miner = new TemplateMiner({ tenant: 'eval', service: name });
      const predicted = content
        .map((line) => miner.add(line).patternId)
        .map((id) => miner.resolve(id)!);
      expect(predicted).toHaveLength(2000);
      expect(groupingAccuracy(ids, predicted)).toBeGreaterThanOrEqual(DRAIN_GA[name]!);
    },
  );
});
