import type { MessageParser, ParsedAttributes } from '../../log-format';

// Short hex ids (`3F1A52A0C1D`) and long ones (`4Xyzq52Hh3z1Mk`), or NOQUEUE.
const QUEUE_ID = /^([0-9A-F]{6,16}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20}|NOQUEUE): /;
const PEER =
  /^(connect|disconnect|lost connection after \w+|timeout after \w+) from ([^\s[]{1,255})\[([0-9A-Fa-f:.]{1,45})\](?::(\d{1,5}))?(.*)$/;
const HOST_ADDR = /^([^\s[]{1,255})\[([0-9A-Fa-f:.]{1,45})\](?::(\d{1,5}))?$/;
const REJECT =
  /^(reject|milter-reject|discard|hold): (\w+) from ([^\s[]{1,255})\[([0-9A-Fa-f:.]{1,45})\]:? ?(.*?); (.*)$/;

/**
 * Postfix daemons (`postfix/smtpd`, `postfix/qmgr`, `postfix/smtp` ...): the queue id, the
 * `key=value, ...` list (to, from, relay, delay, status), connects and rejects.
 */
export const postfixMessageParser: MessageParser = {
  name: 'postfix',
  description: 'Postfix mail delivery messages (queue id, from/to, relay, status)',
  programs: ['postfix/'],
  parse(message) {
    const a: ParsedAttributes = {};
    let rest = message;
    const q = QUEUE_ID.exec(message);
    if (q !== null) {
      if (q[1] !== 'NOQUEUE') a['postfix.queue_id'] = q[1] as string;
      rest = message.slice(q[0].length);
      const r = REJECT.exec(rest);
      if (r !== null) {
        a['event.action'] = r[1] as string;
        a['event.outcome'] = 'failure';
        a['postfix.smtp_stage'] = r[2] as string;
        if (r[3] !== 'unknown') a['source.domain'] = r[3] as string;
        a['source.ip'] = r[4] as string;
        a['postfix.response'] = r[5] as string;
        readPairs(r[6] as string, ' ', a);
        return a;
      }
      if (rest === 'removed') {
        a['event.action'] = 'removed';
        return a;
      }
      if (!readPairs(rest, ', ', a)) a['postfix.message'] = rest;
      return a;
    }
    const p = PEER.exec(message);
    if (p !== null) {
      a['event.action'] = (p[1] as string).replace(/ /g, '_');
      if (p[2] !== 'unknown') a['source.domain'] = p[2] as string;
      a['source.ip'] = p[3] as string;
      if (p[4] !== undefined) a['source.port'] = Number(p[4]);
      const stats = (p[5] as string).trim();
      if (stats !== '') a['postfix.commands'] = stats;
      return a;
    }
    return null;
  },
  samples: [
    {
      program: 'postfix/smtp',
      message:
        '3F1A52A0C1D: to=<bob@example.org>, relay=mx1.example.org[203.0.113.5]:25, delay=1.2, delays=0.1/0.01/0.5/0.59, dsn=2.0.0, status=sent (250 2.0.0 OK 1796378472 a1-20020a05 - gsmtp)',
      expect: {
        'postfix.queue_id': '3F1A52A0C1D',
        'email.to.address': 'bob@example.org',
        'destination.domain': 'mx1.example.org',
        'destination.ip': '203.0.113.5',
        'destination.port': 25,
        'postfix.delay': 1.2,
        'postfix.dsn': '2.0.0',
        'postfix.status': 'sent',
        'postfix.status_detail': '250 2.0.0 OK 1796378472 a1-20020a05 - gsmtp',
        'event.outcome': 'success',
      },
    },
    {
      program: 'postfix/qmgr',
      message: '3F1A52A0C1D: from=<alice@example.com>, size=48213, nrcpt=2 (queue active)',
      expect: {
        'email.from.address': 'alice@example.com',
        'postfix.size': 48213,
        'postfix.nrcpt': 2,
      },
    },
    {
      program: 'postfix/smtpd',
      message: 'connect from mail-ed1-f54.google.com[209.85.208.54]',
      expect: {
        'event.action': 'connect',
        'source.domain': 'mail-ed1-f54.google.com',
        'source.ip': '209.85.208.54',
      },
    },
    {
      program: 'postfix/smtp',
      message:
        '4Xyzq52Hh3z1Mk: to=<ops@example.net>, relay=none, delay=30, delays=0.02/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.net[2001:db8::25]:25: Connection timed out)',
      expect: {
        'postfix.queue_id': '4Xyzq52Hh3z1Mk',
        'postfix.status': 'deferred',
        'event.outcome': 'failure',
      },
    },
    {
      program: 'postfix/smtpd',
      message:
        'NOQUEUE: reject: RCPT from unknown[198.51.100.23]: 554 5.7.1 <spam@example.org>: Relay access denied; from=<x@example.biz> to=<spam@example.org> proto=ESMTP helo=<ylmf-pc>',
      expect: {
        'event.action': 'reject',
        'source.ip': '198.51.100.23',
        'email.from.address': 'x@example.biz',
        'email.to.address': 'spam@example.org',
        'postfix.helo': 'ylmf-pc',
      },
    },
  ],
};

/** `to=<x>, relay=..., status=sent (...)`; false when the text holds no pair. */
function readPairs(text: string, separator: string, a: ParsedAttributes): boolean {
  let any = false;
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq === -1) break;
    const key = text.slice(i, eq);
    if (!/^[a-z_]{1,20}$/.test(key)) break;
    let end = text.indexOf(separator, eq + 1);
    if (end === -1) end = text.length;
    let value = text.slice(eq + 1, end);
    // `status=sent (250 ...)` and `nrcpt=2 (queue active)`: the note in parentheses.
    let note: string | undefined;
    const paren = value.indexOf(' (');
    if (paren !== -1 && value.endsWith(')')) {
      note = value.slice(paren + 2, -1);
      value = value.slice(0, paren);
    }
    setPair(key, value, note, a);
    any = true;
    i = end + separator.length;
  }
  return any;
}

function setPair(key: string, raw: string, note: string | undefined, a: ParsedAttributes): void {
  const value = raw.startsWith('<') && raw.endsWith('>') ? raw.slice(1, -1) : raw;
  switch (key) {
    case 'to':
    case 'orig_to':
      if (value !== '') a[key === 'to' ? 'email.to.address' : 'postfix.orig_to'] = value;
      return;
    case 'from':
      if (value !== '') a['email.from.address'] = value;
      return;
    case 'relay': {
      const h = HOST_ADDR.exec(value);
      if (h === null) {
        a['postfix.relay'] = value;
        return;
      }
      a['destination.domain'] = h[1] as string;
      a['destination.ip'] = h[2] as string;
      if (h[3] !== undefined) a['destination.port'] = Number(h[3]);
      return;
    }
    case 'client': {
      const h = HOST_ADDR.exec(value);
      if (h === null) {
        a['postfix.client'] = value;
        return;
      }
      if (h[1] !== 'unknown') a['source.domain'] = h[1] as string;
      a['source.ip'] = h[2] as string;
      return;
    }
    case 'status':
      a['postfix.status'] = value;
      a['event.outcome'] = value === 'sent' || value === 'delivered' ? 'success' : 'failure';
      if (note !== undefined) a['postfix.status_detail'] = note;
      return;
    case 'message-id':
      a['email.message_id'] = value;
      return;
    default:
      a[`postfix.${key}`] = /^\d{1,15}(\.\d{1,6})?$/.test(value) ? Number(value) : value;
      if (note !== undefined) a[`postfix.${key}_detail`] = note;
  }
}
