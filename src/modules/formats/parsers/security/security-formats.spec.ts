import { paloaltoFormat, splitCsv } from './paloalto.format';
import { snortFastFormat } from './snort-fast.format';
import { suricataEveFormat } from './suricata-eve.format';
import { windowsEventJsonFormat } from './windows-event-json.format';
import { zeekJsonFormat } from './zeek-json.format';
import { zeekTsvFormat } from './zeek-tsv.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe(paloaltoFormat.name, () => {
  it('splits quoted CSV fields with commas and doubled quotes', () => {
    expect(splitCsv('a,"b,c","say ""hi""",,d')).toEqual(['a', 'b,c', 'say "hi"', '', 'd']);
    expect(splitCsv('a,')).toEqual(['a', '']);
  });

  it.each([
    ['a SYSTEM log', '1,2026/11/26 10:11:12,0128,SYSTEM,general,0,2026/11/26 10:11:12,,x'],
    [
      'a truncated TRAFFIC log',
      '1,2026/11/26 10:11:12,0128,TRAFFIC,end,2561,2026/11/26 10:11:12,1.2.3.4',
    ],
    ['a bad receive time', '1,2026/11/26 1:11:12,0128,TRAFFIC,end,' + ',x'.repeat(40)],
    ['prose', 'the TRAFFIC, THREAT, and SYSTEM logs'],
  ])('rejects %s', (_what, line) => {
    expect(paloaltoFormat.detect(line) && paloaltoFormat.parse(line, ctx) !== null).toBe(false);
  });
});

describe(zeekTsvFormat.name, () => {
  it('leaves unset (-) and empty-set fields out', () => {
    const parsed = zeekTsvFormat.parse(
      '1796379072.5\tCabcdefghij0123\t10.0.0.1\t1\t10.0.0.2\t2\ticmp\t-\t-\t-\t-\tOTH\t-\t-\t0\t-\t1\t28\t0\t0\t(empty)',
      ctx,
    );
    expect(parsed?.attributes).toEqual({
      'event.dataset': 'zeek.connection',
      'zeek.uid': 'Cabcdefghij0123',
      'source.ip': '10.0.0.1',
      'source.port': 1,
      'destination.ip': '10.0.0.2',
      'destination.port': 2,
      'network.transport': 'icmp',
      'zeek.connection.state': 'OTH',
      'zeek.connection.missed_bytes': 0,
      'source.packets': 1,
      'zeek.connection.orig_ip_bytes': 28,
      'destination.packets': 0,
      'zeek.connection.resp_ip_bytes': 0,
    });
  });

  it('does not read other Zeek logs (dns.log, http.log) with conn.log column names', () => {
    const dns =
      '1796379075.2\tCpT3Cm1x0Q4Qp8h2Ab\t10.0.0.7\t41055\t10.0.0.2\t53\tudp\t24811\t0.0021\texample.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t93.184.216.34\t60.0\tF';
    const http =
      '1796379075.2\tCHhAvVGS1DHFjwGM9\t10.0.0.5\t52311\t93.184.216.34\t80\t1\tGET\texample.com\t/\t-\t1.1\tcurl/8.0\t-\t0\t1256\t200\tOK';
    for (const line of [dns, http]) {
      expect(zeekTsvFormat.detect(line)).toBe(false);
      expect(zeekTsvFormat.parse(line, ctx)).toBeNull();
    }
  });

  it('does not take comment lines of other formats for Zeek headers', () => {
    expect(zeekTsvFormat.detect('# Time: 2026-11-26T10:11:12.123456Z')).toBe(false);
    expect(zeekTsvFormat.detect('#Version: 1.0')).toBe(false);
  });
});

describe(zeekJsonFormat.name, () => {
  it('wants ts with a connection uid and tuple, or a file id', () => {
    expect(zeekJsonFormat.detect({ ts: 1, uid: 'C1' })).toBe(false);
    expect(zeekJsonFormat.detect({ ts: 1, uid: 'C1', 'id.orig_h': '1.2.3.4' })).toBe(true);
    expect(zeekJsonFormat.detect({ ts: 1, fuid: 'F1', tx_hosts: ['1.2.3.4'] })).toBe(true);
  });

  it('reads a nested id tuple and refuses an unreadable ts', () => {
    const parsed = zeekJsonFormat.parse(
      { ts: 1796379072, uid: 'C1', id: { orig_h: '1.2.3.4', resp_p: 80 } },
      ctx,
    );
    expect(parsed?.attributes).toMatchObject({ 'source.ip': '1.2.3.4', 'destination.port': 80 });
    expect(zeekJsonFormat.parse({ ts: 'later', uid: 'C1', 'id.orig_h': 'x' }, ctx)).toBeNull();
  });
});

describe(suricataEveFormat.name, () => {
  it('does not claim other JSON that happens to have a timestamp', () => {
    expect(suricataEveFormat.detect({ timestamp: '2026-11-26T10:00:00Z', message: 'x' })).toBe(
      false,
    );
    expect(
      suricataEveFormat.detect({ timestamp: '2026-11-26T10:00:00Z', event_type: 'stats' }),
    ).toBe(true);
  });

  it('maps alert severity 1 to error and 3 to info', () => {
    const alert = (severity: number) =>
      suricataEveFormat.parse(
        {
          timestamp: '2026-11-26T10:00:00Z',
          event_type: 'alert',
          alert: { signature: 's', severity },
        },
        ctx,
      )?.level;
    expect(alert(1)).toBe('error');
    expect(alert(3)).toBe('info');
  });
});

describe(snortFastFormat.name, () => {
  it('gives a year-less December alert read in January last year', () => {
    const january = { receivedAt: Date.parse('2027-01-01T00:05:00Z') };
    const parsed = snortFastFormat.parse(
      '12/31-23:59:59.900000  [**] [1:1:1] x [**] [Priority: 3] {UDP} 1.2.3.4:53 -> 5.6.7.8:5353',
      january,
    );
    expect(parsed?.timestamp).toBe(Date.parse('2026-12-31T23:59:59.900Z'));
    expect(parsed?.attributes).not.toHaveProperty('rule.category');
  });

  it('reads two-digit years', () => {
    const parsed = snortFastFormat.parse(
      '11/26/26-10:00:00.000001  [**] [1:1:1] x [**] [Priority: 1] {TCP} 1.2.3.4:1 -> 5.6.7.8:2',
      ctx,
    );
    expect(parsed?.timestamp).toBe(Date.parse('2026-11-26T10:00:00Z'));
  });
});

describe(windowsEventJsonFormat.name, () => {
  it.each([
    [1, 'critical'],
    [2, 'error'],
    [3, 'warning'],
    [4, 'info'],
    [5, 'debug'],
    [0, 'info'],
  ])('maps Level %i to %s', (level, text) => {
    const parsed = windowsEventJsonFormat.parse(
      { EventID: 1, Channel: 'Application', Level: level, Message: 'x' },
      ctx,
    );
    expect(parsed?.level).toBe(text);
  });

  it('does not claim JSON without an event id and a channel or provider', () => {
    expect(windowsEventJsonFormat.detect({ EventID: 4624 })).toBe(false);
    expect(windowsEventJsonFormat.detect({ Channel: 'Security', Message: 'x' })).toBe(false);
    expect(windowsEventJsonFormat.detect({ winlog: null })).toBe(false);
  });

  it('leaves out an IpAddress of - and an IpPort of 0', () => {
    const parsed = windowsEventJsonFormat.parse(
      { EventID: 4624, Channel: 'Security', EventData: { IpAddress: '-', IpPort: '0' } },
      ctx,
    );
    expect(parsed?.attributes).not.toHaveProperty('source.ip');
    expect(parsed?.attributes).not.toHaveProperty('source.port');
    expect(parsed?.attributes?.['winlog.event_data.IpAddress']).toBe('-');
  });
});
