import { inhibitedBy, type InhibitRule, isInhibited } from './inhibition';
import { parseMatchers } from './labels';

const nodeDownMutesWarnings: InhibitRule = {
  sourceMatchers: parseMatchers('alertname="NodeDown", severity="critical"'),
  targetMatchers: parseMatchers('severity="warning"'),
  equal: ['host'],
};

describe('inhibition', () => {
  const nodeDown = { alertname: 'NodeDown', severity: 'critical', host: 'h1' };

  it('a firing critical NodeDown mutes warning alerts of the same host', () => {
    const diskWarning = { alertname: 'DiskSlow', severity: 'warning', host: 'h1' };
    expect(isInhibited(diskWarning, [nodeDown], [nodeDownMutesWarnings])).toBe(true);
    expect(inhibitedBy(diskWarning, [nodeDown], [nodeDownMutesWarnings])?.source).toBe(nodeDown);
  });

  it('does not mute warnings of another host, other severities, or with no source firing', () => {
    const rules = [nodeDownMutesWarnings];
    expect(
      isInhibited({ alertname: 'DiskSlow', severity: 'warning', host: 'h2' }, [nodeDown], rules),
    ).toBe(false);
    expect(
      isInhibited({ alertname: 'DiskFull', severity: 'critical', host: 'h1' }, [nodeDown], rules),
    ).toBe(false);
    expect(isInhibited({ alertname: 'DiskSlow', severity: 'warning', host: 'h1' }, [], rules)).toBe(
      false,
    );
  });

  it('treats a label missing on both sides as equal', () => {
    const source = { alertname: 'NodeDown', severity: 'critical' };
    expect(isInhibited({ severity: 'warning' }, [source], [nodeDownMutesWarnings])).toBe(true);
    expect(
      isInhibited({ severity: 'warning', host: 'h1' }, [source], [nodeDownMutesWarnings]),
    ).toBe(false);
  });

  it('an alert never inhibits itself, and two alerts matching both sides do not mute each other', () => {
    const rule: InhibitRule = {
      sourceMatchers: parseMatchers('severity=~"warning|critical"'),
      targetMatchers: parseMatchers('severity=~"warning|critical"'),
      equal: ['host'],
    };
    const a = { alertname: 'A', severity: 'warning', host: 'h1' };
    const b = { alertname: 'B', severity: 'critical', host: 'h1' };
    expect(isInhibited(a, [a], [rule])).toBe(false);
    expect(isInhibited(a, [b], [rule])).toBe(false);
    expect(isInhibited(b, [a], [rule])).toBe(false);
  });
});
