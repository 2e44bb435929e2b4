import { type AddressInfo } from 'node:net';

import { SMTPServer } from 'smtp-server';

import { type AlertNotice, type EmailTarget } from './alert-channel';
import { EmailChannel, buildEmail, escapeHtml } from './email.channel';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

function buildNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    id: 'ntf_0193',
    tenantId: 'tenant-a',
    groupKey: '{}:{service="checkout"}',
    dedupKey: 'grp_5f2c',
    status: 'firing',
    severity: 'critical',
    title: 'Checkout errors spiking',
    summary: 'Error rate of checkout is 14x its usual level',
    alerts: [
      {
        fingerprint: 'fp1',
        labels: { service: 'checkout', host: 'web-1' },
        annotations: {},
        status: 'firing',
        startsAt: new Date('2026-11-26T10:00:00Z'),
        endsAt: null,
        explanation: 'error pattern E17 at 14x',
        evidence: ['ERROR payment declined id=1'],
      },
    ],
    links: {
      alert: 'https://vigil.example/alerts/grp_5f2c',
      ack: 'https://vigil.example/ack/t1',
      notUseful: 'https://vigil.example/feedback/t2',
    },
    createdAt: new Date('2026-11-26T10:01:00Z'),
    ...overrides,
  };
}

/** The decoded text/plain and text/html parts of a raw multipart message. */
function parts(raw: string): Record<string, string> {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  if (!boundary) throw new Error('not multipart');
  const found: Record<string, string> = {};
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const type = /Content-Type:\s*([^;\r\n]+)/i.exec(headers)?.[1]?.trim();
    if (!type) continue;
    let body = part.slice(split + 4).replace(/\r\n$/, '');
    const encoding = /Content-Transfer-Encoding:\s*(\S+)/i.exec(headers)?.[1]?.toLowerCase();
    if (encoding === 'quoted-printable') {
      body = Buffer.from(
        body
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    } else if (encoding === 'base64') {
      body = Buffer.from(body, 'base64').toString('utf8');
    }
    found[type] = body.replace(/\r\n/g, '\n');
  }
  return found;
}

describe(EmailChannel.name, () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];
  let connections = 0;
  let dataError: (Error & { responseCode?: number }) | null = null;
  let sut: EmailChannel;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (_session, callback) => {
        connections++;
        callback();
      },
      onAuth: (auth, _session, callback) => {
        if (auth.username === 'alerts' && auth.password === 'right') {
          callback(null, { user: auth.username });
        } else {
          callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
        }
      },
      onRcptTo: (address, _session, callback) => {
        if (address.address.endsWith('@nowhere.example')) {
          callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
        } else {
          callback();
        }
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (dataError) return callback(dataError);
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    sut.close();
    await new Promise<void>((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
    connections = 0;
    dataError = null;
    sut?.close();
    sut = new EmailChannel({ timeoutMs: 5000 });
  });

  const target = (overrides: Partial<EmailTarget> = {}): EmailTarget => ({
    kind: 'email',
    host: '127.0.0.1',
    port,
    secure: false,
    from: 'Vigil <alerts@vigil.example>',
    to: ['oncall@example.com', 'lead@example.com'],
    allowPrivateNetwork: true,
    ...overrides,
  });

  it('sends a subject, a text part and an HTML part to every recipient', async () => {
    const receipt = await sut.send(buildNotice(), target());

    expect(receipt.ok).toBe(true);
    expect(receipt.providerId).toMatch(/^<.+>$/);
    expect(received).toHaveLength(1);
    expect(received[0]!.from).toBe('alerts@vigil.example');
    expect(received[0]!.to).toEqual(['oncall@example.com', 'lead@example.com']);
    expect(received[0]!.raw).toMatch(/^Subject: \[CRITICAL\] Checkout errors spiking\r$/m);
    expect(received[0]!.raw).toMatch(/^X-Vigil-Notice: ntf_0193\r$/m);
    const { 'text/plain': text, 'text/html': html } = parts(received[0]!.raw);
    expect(text).toContain('Error rate of checkout is 14x its usual level');
    expect(text).toContain('Acknowledge: https://vigil.example/ack/t1');
    expect(text).toContain('Not useful: https://vigil.example/feedback/t2');
    expect(html).toContain('<a href="https://vigil.example/ack/t1">Acknowledge</a>');
    expect(html).toContain('<a href="https://vigil.example/feedback/t2">Not useful</a>');
    expect(html).toContain('<td>checkout</td>');
  });

  it('escapes a <script> title in the HTML part and keeps it verbatim in the text part', async () => {
    const title = '<script>alert("x")</script> & co';
    await sut.send(buildNotice({ title }), target());
    const { 'text/plain': text, 'text/html': html } = parts(received[0]!.raw);

    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(text).toContain(title);
  });

  it('reuses one pooled connection for a cached transport', async () => {
    await sut.send(buildNotice(), target());
    await sut.send(buildNotice({ id: 'ntf_0194' }), target());
    expect(received).toHaveLength(2);
    expect(connections).toBe(1);
  });

  it('authenticates with user and password', async () => {
    const receipt = await sut.send(buildNotice(), target({ user: 'alerts', password: 'right' }));
    expect(receipt.ok).toBe(true);
  });

  it('reports wrong credentials as permanent', async () => {
    const receipt = await sut.send(buildNotice(), target({ user: 'alerts', password: 'wrong' }));
    expect(receipt).toMatchObject({ ok: false, permanent: true, status: 535 });
    expect(receipt.error).toContain('EAUTH');
  });

  it('reports a 4xx reply as retryable and a 5xx reply as permanent', async () => {
    dataError = Object.assign(new Error('Try again later'), { responseCode: 451 });
    await expect(sut.send(buildNotice(), target())).resolves.toMatchObject({
      ok: false,
      permanent: false,
      status: 451,
    });
    dataError = Object.assign(new Error('Message rejected'), { responseCode: 554 });
    await expect(sut.send(buildNotice(), target())).resolves.toMatchObject({
      ok: false,
      permanent: true,
      status: 554,
    });
  });

  it('delivers to the accepted recipients and names the rejected ones', async () => {
    const receipt = await sut.send(
      buildNotice(),
      target({ to: ['oncall@example.com', 'ghost@nowhere.example'] }),
    );
    expect(receipt).toMatchObject({
      ok: true,
      error: 'rejected recipients: ghost@nowhere.example',
    });
    expect(received[0]!.to).toEqual(['oncall@example.com']);
  });

  it('refuses a loopback SMTP host unless private networks are allowed', async () => {
    const receipt = await sut.send(buildNotice(), target({ allowPrivateNetwork: false }));
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'URL_REFUSED' });
    expect(connections).toBe(0);
  });

  it('reports an unreachable server as retryable', async () => {
    const receipt = await sut.send(buildNotice(), target({ port: 1 }));
    expect(receipt).toMatchObject({ ok: false, permanent: false });
  });
});

describe(buildEmail.name, () => {
  it('marks resolved notices in the subject and drops the acknowledge link', () => {
    const mail = buildEmail(buildNotice({ status: 'resolved', severity: 'warning' }));
    expect(mail.subject).toBe('[WARNING] Resolved: Checkout errors spiking');
    expect(mail.text).not.toContain('Acknowledge');
    expect(mail.html).not.toContain('Acknowledge');
  });

  it('never renders a javascript: link', () => {
    const mail = buildEmail(buildNotice({ links: { alert: 'javascript:alert(1)' } }));
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).toContain('<a href="#">Open in Vigil</a>');
  });

  it('renders an approval request’s Approve and Refuse links as two buttons and two text lines', () => {
    const approve = 'https://vigil.example/api/v1/alert-actions/eyJ2IjoxfQ.c2ln&x=1';
    const refuse = 'https://vigil.example/api/v1/alert-actions/eyJ2IjoyfQ.c2ln';
    const mail = buildEmail(buildNotice({ links: { approve, refuse } }));
    expect(mail.text).toContain(`Approve: ${approve}\nRefuse: ${refuse}`);
    const anchors = [...mail.html.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(anchors).toEqual([
      [escapeHtml(approve), 'Approve'],
      [refuse, 'Refuse'],
    ]);
    expect(mail.html).not.toContain('Acknowledge');
  });

  it('renders no approval buttons for an ordinary alert, and refuses a javascript: approve link', () => {
    expect(buildEmail(buildNotice()).text).not.toContain('Approve');
    const mail = buildEmail(buildNotice({ links: { approve: 'javascript:alert(1)' } }));
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).toMatch(/<a href="#"[^>]*>Approve<\/a>/);
  });

  it('keeps the subject on one line', () => {
    expect(buildEmail(buildNotice({ title: 'a\r\nBcc: x@evil.example' })).subject).toBe(
      '[CRITICAL] a Bcc: x@evil.example',
    );
  });
});

describe(escapeHtml.name, () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
