import { describeWorkload, summarizeWorkload } from '../../bench/incidents/describe-workload';
import { generateWorkload } from '../../bench/incidents/workload';

const MONDAY = Date.UTC(2026, 0, 5);

describe('describeWorkload', () => {
  const sut = generateWorkload({ seed: 2, start: MONDAY, days: 2, incidentsPerDay: 6 });

  it('counts every record once, by service and by severity', () => {
    let n = 0;
    for (const _ of sut.records()) n++;
    const s = summarizeWorkload(sut);
    expect(s.records).toBe(n);
    expect(Object.values(s.perService).reduce((a, b) => a + b, 0)).toBe(n);
    expect(Object.values(s.severities).reduce((a, b) => a + b, 0)).toBe(n);
    expect(Object.values(s.perKind).reduce((a, b) => a + b, 0)).toBe(sut.incidents.length);
    expect(s.inIncidents).toBeGreaterThan(0);
  });

  it('prints the span, volumes per service, the severity mix and incidents per kind', () => {
    const lines = describeWorkload(sut).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^workload 2026-01-05T00:00:00.000Z \.\. 2026-01-07T00:00:00.000Z/);
    expect(lines[1]).toMatch(/^records\/day per service: web \d+, database \d+/);
    expect(lines[2]).toMatch(/^severity: debug \d+\.\d%, info/);
    expect(lines[3]).toBe(
      `incidents: ${sut.incidents.length} (error_burst 2, new_failure_pattern 2, ` +
        'dependency_silent 2, latency_drift 1, broken_sequence 1, volume_drop 1)',
    );
  });
});
