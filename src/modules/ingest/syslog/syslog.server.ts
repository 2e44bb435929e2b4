import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';

import { Logger } from '@nestjs/common';

import type { SyslogSettings } from '../../../config/app-config';
import { SyslogDeframer } from './syslog-framing';
import type { SyslogIngestor } from './syslog-ingestor';

/** How long `close` lets clients finish sending after it stops accepting, before cutting them. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The syslog listeners: TCP (RFC 6587, octet counting or LF/NUL framing, detected per message)
 * and UDP (RFC 5426, one message per datagram). Messages go to the SyslogIngestor; while it is
 * congested every TCP connection stops reading, so the kernel's window pushes back on senders.
 */
export class SyslogServer {
  readonly #logger = new Logger('SyslogServer');
  readonly #sockets = new Set<Socket>();
  readonly #paused = new Set<Socket>();
  #tcp: Server | null = null;
  #udp: UdpSocket | null = null;
  #stopDrain: (() => void) | null = null;

  private constructor(
    private readonly settings: SyslogSettings,
    private readonly ingestor: SyslogIngestor,
  ) {}

  /** Starts the enabled listeners (a port of -1 is disabled). */
  static async start(settings: SyslogSettings, ingestor: SyslogIngestor): Promise<SyslogServer> {
    const server = new SyslogServer(settings, ingestor);
    server.#stopDrain = ingestor.onDrain(() => server.resumeAll());
    try {
      if (settings.tcpPort >= 0) await server.listenTcp();
      if (settings.udpPort >= 0) await server.listenUdp();
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  /** The bound TCP port, or null when disabled. */
  get tcpPort(): number | null {
    const address = this.#tcp?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  get udpPort(): number | null {
    return this.#udp ? this.#udp.address().port : null;
  }

  /**
   * Graceful stop: no new connections or datagrams, open connections get a short grace to
   * finish, every message received is committed, then the sockets close.
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (this.#tcp === null) return resolve();
      this.#tcp.close(() => resolve());
    });
    this.#udp?.close();
    this.#udp = null;
    this.resumeAll();
    for (const socket of this.#sockets) socket.end();
    const grace = setTimeout(() => {
      for (const socket of this.#sockets) socket.destroy();
    }, CLOSE_GRACE_MS);
    await closed;
    clearTimeout(grace);
    this.#tcp = null;
    await this.ingestor.close();
    this.#stopDrain?.();
  }

  private listenTcp(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.settings.maxConnections;
    server.on('drop', () => this.ingestor.metrics.connectionsTotal.inc({ outcome: 'refused' }));
    server.on('error', (err) => this.#logger.error(`syslog TCP listener: ${err.message}`));
    this.#tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.settings.tcpPort, host: this.settings.host }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    const metrics = this.ingestor.metrics;
    metrics.connectionsTotal.inc({ outcome: 'accepted' });
    metrics.connections.inc();
    this.#sockets.add(socket);
    socket.setKeepAlive(true, 60_000);
    const deframer = new SyslogDeframer(
      this.settings.maxMessageBytes,
      (message) => this.ingestor.push(message.toString('utf8'), 'tcp'),
      (reason) => {
        metrics.messages.inc({ transport: 'tcp' });
        this.ingestor.reject('tcp', reason);
      },
    );
    socket.on('data', (chunk: Buffer) => {
      metrics.bytes.inc({ transport: 'tcp' }, chunk.length);
      deframer.push(chunk);
      if (this.ingestor.congested && !socket.isPaused()) {
        socket.pause();
        this.#paused.add(socket);
      }
    });
    socket.on('end', () => {
      deframer.end();
      socket.end();
    });
    socket.on('error', (err) => this.#logger.debug(`syslog connection: ${err.message}`));
    socket.on('close', () => {
      metrics.connections.dec();
      this.#sockets.delete(socket);
      this.#paused.delete(socket);
    });
  }

  private listenUdp(): Promise<void> {
    const socket = createSocket(isIPv6(this.settings.host) ? 'udp6' : 'udp4');
    socket.on('message', (datagram: Buffer) => this.datagram(datagram));
    socket.on('error', (err) => this.#logger.error(`syslog UDP listener: ${err.message}`));
    this.#udp = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: this.settings.udpPort, address: this.settings.host }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  }

  private datagram(datagram: Buffer): void {
    this.ingestor.metrics.bytes.inc({ transport: 'udp' }, datagram.length);
    let end = datagram.length;
    // Some senders end a datagram with LF or NUL (and CR before it): not part of the message.
    while (end > 0 && (datagram[end - 1] === 0x0a || datagram[end - 1] === 0x00)) end--;
    if (end > 0 && datagram[end - 1] === 0x0d) end--;
    if (end === 0) return;
    if (end > this.settings.maxMessageBytes) {
      this.ingestor.metrics.messages.inc({ transport: 'udp' });
      this.ingestor.reject('udp', 'too_large');
      return;
    }
    this.ingestor.push(datagram.toString('utf8', 0, end), 'udp');
  }

  private resumeAll(): void {
    for (const socket of this.#paused) socket.resume();
    this.#paused.clear();
  }
}
