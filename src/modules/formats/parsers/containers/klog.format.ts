import type { LineFormat, ParsedAttributes } from '../../log-format';
import { fractionAt, yearlessMillis } from '../support/time';
import { parseKlogStructured } from './klog-fields';

const DETECT = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^ \]:]+:\d+\](?: |$)/;
const HEADER = /^([IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6}) +(\d+) ([^ \]:]+):(\d+)\] ?/;

/**
 * Kubernetes klog / glog: `I1126 10:11:12.123456    1234 file.go:42] message`, the message
 * either printf text or klog's structured `"msg" key="value"` form. The header has no year:
 * it is the one that puts the time nearest to the arrival.
 */
export const KLOG_FORMAT: LineFormat = {
  name: 'klog',
  family: 'containers',
  kind: 'line',
  description:
    'Kubernetes klog/glog: Lmmdd hh:mm:ss.uuuuuu pid file:line] message (text or structured)',
  priority: 20,
  detect: (line) => DETECT.test(line),
  parse(line, ctx) {
    const m = HEADER.exec(line);
    if (m === null) return null;
    const attrs: ParsedAttributes = {
      'process.pid': Number(m[8]),
      'log.origin.file.name': m[9] as string,
      'log.origin.file.line': Number(m[10]),
    };
    const text = line.slice(m[0].length);
    let message = text;
    if (text.charCodeAt(0) === 34) {
      const structured = parseKlogStructured(text);
      if (structured !== null) {
        message = structured.message;
        Object.assign(attrs, structured.attrs);
      }
    }
    const timestamp = yearlessMillis(
      Number(m[2]),
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
      fractionAt(m[7] as string, 0).millis,
      ctx.receivedAt,
    );
    return {
      ...(timestamp === null ? {} : { timestamp }),
      level: m[1] as string,
      message,
      attributes: attrs,
    };
  },
  samples: [
    {
      line: 'I1126 10:11:12.123456    1234 file.go:42] message',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'I',
        message: 'message',
        attributes: {
          'process.pid': 1234,
          'log.origin.file.name': 'file.go',
          'log.origin.file.line': 42,
        },
      },
    },
    {
      line: 'E1126 10:11:13.004512       1 reflector.go:158] "Unhandled Error" err="k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.Pod: the server has asked for the client to provide credentials" logger="UnhandledError"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.004Z'),
        level: 'E',
        message: 'Unhandled Error',
        attributes: {
          'error.message':
            'k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.Pod: the server has asked for the client to provide credentials',
          logger: 'UnhandledError',
        },
      },
    },
    {
      line: 'I1126 10:11:14.700001    5521 kubelet.go:2468] "SyncLoop (probe)" probe="readiness" status="ready" pod="kube-system/coredns-7c65d6cfc9-x2x8p" attempt=3 ready=true',
      expect: {
        level: 'I',
        message: 'SyncLoop (probe)',
        attributes: {
          'process.pid': 5521,
          probe: 'readiness',
          status: 'ready',
          pod: 'kube-system/coredns-7c65d6cfc9-x2x8p',
          attempt: 3,
          ready: true,
        },
      },
    },
    {
      line: 'W1125 23:59:58.000000   10212 warnings.go:70] metadata.finalizers: "example.com/cleanup": prefer a domain-qualified finalizer name',
      expect: {
        timestamp: Date.parse('2026-11-25T23:59:58Z'),
        level: 'W',
        message:
          'metadata.finalizers: "example.com/cleanup": prefer a domain-qualified finalizer name',
      },
    },
    {
      line: 'I1126 10:11:15.000100       7 controller.go:88] "Observed a change" node=<\n\tname: worker-2\n\tlabels: zone=a\n >',
      expect: {
        message: 'Observed a change',
        attributes: { node: 'name: worker-2\nlabels: zone=a' },
      },
    },
  ],
};
