import { AlertTracker } from './alert-state';
import { type AlertSnapshot, GroupRouter, type Notification, type RouteOptions } from './grouping';
import { type InhibitRule, isInhibited } from './inhibition';
import { parseMatchers } from './labels';
import { NoiseStats } from './noise-stats';
import { SilenceSet } from './silences';

const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

const route: RouteOptions = {
  routeId: 'default',
  receiver: 'ops',
  groupBy: ['service'],
  groupWaitMs: 30 * SEC,
  groupIntervalMs: 5 * MIN,
  repeatIntervalMs: 4 * HOUR,
};

function alert(
  fingerprint: string,
  startsAt: number,
  over: Partial<AlertSnapshot> = {},
): AlertSnapshot {
  return {
    fingerprint,
    labels: { service: 'api', alertname: fingerprint },
    status: 'firing',
    startsAt,
    notifiable: true,
    ...over,
  };
}

const fps = (n: { alerts: AlertSnapshot[] }): string[] => n.alerts.map((a) => a.fingerprint);

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe(GroupRouter.name, () => {
  it('three alerts in 20 s: one notification after group_wait, an update after group_interval, a repeat after repeat_interval', () => {
    const sut = new GroupRouter(route);
    for (const [fp, t] of [
      ['a', 0],
      ['b', 10 * SEC],
      ['c', 20 * SEC],
    ] as const) {
      sut.update(alert(fp, t), t);
      expect(sut.due(t)).toEqual([]);
    }
    expect(sut.due(30 * SEC - 1)).toEqual([]);
    const [first, ...rest] = sut.due(30 * SEC);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      groupKey: 'default:{service="api"}',
      receiver: 'ops',
      groupLabels: { service: 'api' },
      kind: 'initial',
      isUpdate: false,
      firing: 3,
      resolved: 0,
    });
    expect(fps(first!)).toEqual(['a', 'b', 'c']);

    sut.update(alert('d', 90 * SEC), 90 * SEC);
    expect(sut.due(90 * SEC)).toEqual([]);
    expect(sut.nextDueAt()).toBe(30 * SEC + 5 * MIN);
    expect(sut.due(30 * SEC + 5 * MIN - 1)).toEqual([]);
    const [update] = sut.due(30 * SEC + 5 * MIN);
    expect(update).toMatchObject({ kind: 'update', isUpdate: true, firing: 4 });
    expect(fps(update!)).toEqual(['a', 'b', 'c', 'd']);

    sut.update(alert('a', 0), 10 * MIN);
    expect(sut.due(HOUR)).toEqual([]);
    const repeatAt = 30 * SEC + 5 * MIN + 4 * HOUR;
    expect(sut.due(repeatAt - 1)).toEqual([]);
    const [repeat] = sut.due(repeatAt);
    expect(repeat).toMatchObject({ kind: 'repeat', isUpdate: false, firing: 4 });
  });

  it('keeps groups apart by the group_by labels', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('a', 0), 0);
    sut.update(alert('w', 0, { labels: { service: 'web' } }), 0);
    sut.update(alert('x', 0, { labels: {} }), 0);
    expect(
      sut
        .due(30 * SEC)
        .map((n) => n.groupKey)
        .sort(),
    ).toEqual(['default:{service=""}', 'default:{service="api"}', 'default:{service="web"}']);
  });

  it("groups by every label with ['...'] and puts everything together with []", () => {
    const all = new GroupRouter({ ...route, groupBy: ['...'] });
    const one = new GroupRouter({ ...route, groupBy: [] });
    for (const sut of [all, one]) {
      sut.update(alert('a', 0), 0);
      sut.update(alert('b', 0), 0);
    }
    expect(all.due(30 * SEC)).toHaveLength(2);
    expect(one.due(30 * SEC).map((n) => [n.groupKey, n.firing])).toEqual([['default:{}', 2]]);
  });

  it('sends nothing while silenced, and notifies once the silence ends with the alert still firing', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('a', 0, { notifiable: false }), 0);
    expect(sut.due(30 * SEC)).toEqual([]);
    expect(sut.due(HOUR)).toEqual([]);
    expect(sut.nextDueAt()).toBeNull();
    sut.update(alert('a', 0), HOUR + MIN);
    const [n] = sut.due(HOUR + MIN);
    expect(n).toMatchObject({ kind: 'initial', firing: 1 });
  });

  it('a notified alert silenced and then unsilenced counts as changed', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('a', 0), 0);
    sut.due(30 * SEC);
    sut.update(alert('a', 0, { notifiable: false }), MIN);
    expect(sut.due(20 * MIN)).toEqual([]);
    sut.update(alert('a', 0), 30 * MIN);
    expect(sut.due(30 * MIN)).toEqual([expect.objectContaining({ kind: 'update', firing: 1 })]);
  });

  it('an alert notified, then silenced, then resolved still gets its resolution, once', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('a', 0), 0);
    expect(sut.due(30 * SEC)).toHaveLength(1);
    sut.update(alert('a', 0, { notifiable: false }), MIN);
    sut.update(alert('a', 0, { notifiable: false, status: 'resolved', endsAt: 2 * MIN }), 2 * MIN);
    const [n] = sut.due(30 * SEC + 5 * MIN);
    expect(n).toMatchObject({ kind: 'update', firing: 0, resolved: 1 });
    expect(n!.alerts[0]).toMatchObject({ fingerprint: 'a', status: 'resolved' });
    expect(sut.groupCount).toBe(0);
    expect(sut.due(10 * HOUR)).toEqual([]);
  });

  it('sends a partial resolution beside the alerts still firing', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('a', 0), 0);
    sut.update(alert('b', 0), 0);
    sut.due(30 * SEC);
    sut.update(alert('a', 0, { status: 'resolved' }), MIN);
    const [n] = sut.due(10 * MIN);
    expect(n).toMatchObject({ firing: 1, resolved: 1 });
    expect(fps(n!)).toEqual(['b', 'a']);
    expect(sut.due(20 * MIN)).toEqual([]);
  });

  it('an alert resolving before it was ever notified is never announced', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('blip', 0), 0);
    expect(sut.update(alert('blip', 0, { status: 'resolved' }), 10 * SEC)).toBeNull();
    expect(sut.due(30 * SEC)).toEqual([]);
    expect(sut.groupCount).toBe(0);
  });

  it('does not repeat a group whose firing alerts are all acknowledged', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('a', 0), 0);
    sut.due(30 * SEC);
    sut.update(alert('a', 0, { acknowledged: true }), MIN);
    expect(sut.due(10 * HOUR)).toEqual([]);
  });

  it('drops alerts beyond the caps and counts them', () => {
    const sut = new GroupRouter({ ...route, maxGroups: 1, maxAlertsPerGroup: 2 });
    expect(sut.update(alert('a', 0), 0)).toBe('default:{service="api"}');
    sut.update(alert('b', 0), 0);
    expect(sut.update(alert('c', 0), 0)).toBeNull();
    expect(sut.update(alert('w', 0, { labels: { service: 'web' } }), 0)).toBeNull();
    expect(sut.droppedAlerts).toBe(2);
  });

  it('continues the same way after toState/fromState through JSON', () => {
    const sut = new GroupRouter(route);
    sut.update(alert('a', 0), 0);
    sut.due(30 * SEC);
    sut.update(alert('b', MIN), MIN);
    const copy = GroupRouter.fromState(viaJson(sut.toState()), route);
    expect(copy.nextDueAt()).toBe(30 * SEC + 5 * MIN);
    expect(fps(copy.due(30 * SEC + 5 * MIN)[0]!)).toEqual(['a', 'b']);
  });

  it('rejects bad options', () => {
    expect(() => new GroupRouter({ ...route, groupWaitMs: -1 })).toThrow(RangeError);
    expect(() => new GroupRouter({ ...route, maxGroups: 0 })).toThrow(RangeError);
  });
});

describe('GroupRouter with the tracker, silences and inhibition', () => {
  const nodeDown = { alertname: 'NodeDown', severity: 'critical', host: 'h1' };
  const diskSlow = { alertname: 'DiskSlow', severity: 'warning', host: 'h1' };
  const blip = { alertname: 'Blip', severity: 'warning', host: 'h2' };
  const rules: InhibitRule[] = [
    {
      sourceMatchers: parseMatchers('alertname="NodeDown", severity="critical"'),
      targetMatchers: parseMatchers('severity="warning"'),
      equal: ['host'],
    },
  ];

  it('notifies NodeDown alone: the warning on its host is inhibited and the blip was transient', () => {
    const tracker = new AlertTracker({ transientMs: 2 * MIN });
    const silences = new SilenceSet();
    const sut = new GroupRouter({ ...route, groupBy: ['host'] });
    const stats = new NoiseStats();
    const labelsOf = new Map([
      ['node', nodeDown],
      ['disk', diskSlow],
      ['blip', blip],
    ]);
    const evaluate = (now: number, active: Set<string>): Notification[] => {
      for (const fp of labelsOf.keys()) {
        for (const t of tracker.observe(fp, active.has(fp), now)) {
          if (t.held === 'transient') stats.recordSuppressed('transient');
        }
      }
      const firing = [...labelsOf].filter(([fp]) => tracker.reportStatus(fp) === 'firing');
      for (const [fp, labels] of labelsOf) {
        const status = tracker.reportStatus(fp);
        if (status === null) continue;
        const silenced = silences.isSilenced(labels, fp, now) !== null;
        const inhibited = isInhibited(
          labels,
          firing.map(([, l]) => l),
          rules,
        );
        const notifiable = tracker.notifiable(fp) && !silenced && !inhibited;
        sut.update({ fingerprint: fp, labels, status, startsAt: 0, notifiable }, now);
      }
      const out = sut.due(now);
      out.forEach((n) => stats.recordNotification(n.alerts.length));
      return out;
    };

    expect(evaluate(0, new Set(['node', 'disk', 'blip']))).toEqual([]);
    expect(evaluate(MIN, new Set(['node', 'disk']))).toEqual([]);
    const [first, ...others] = evaluate(2 * MIN, new Set(['node', 'disk']));
    expect(others).toEqual([]);
    expect(first).toMatchObject({ groupKey: 'default:{host="h1"}', firing: 1 });
    expect(fps(first!)).toEqual(['node']);

    silences.add({
      id: 'mute-node',
      matchers: [],
      startsAt: 3 * MIN,
      endsAt: Number.MAX_SAFE_INTEGER,
      createdBy: 'ana',
      comment: 'on it',
      muteUntilResolved: { fingerprint: 'node' },
    });
    expect(evaluate(3 * MIN, new Set(['node', 'disk']))).toEqual([]);
    expect(evaluate(10 * MIN, new Set(['disk']))).toEqual([
      expect.objectContaining({ kind: 'update', firing: 1, resolved: 1 }),
    ]);
    expect(silences.alertResolved('node', 10 * MIN)).toEqual(['mute-node']);
    expect(stats.snapshot()).toMatchObject({ sent: 2, suppressed: { transient: 1, grouped: 1 } });
  });
});
