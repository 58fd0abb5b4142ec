// A request logger whose pino child is created on first use. pino serialises a child's bindings
// when it is made, which is real work per request; most requests never log (LOG_LEVEL=info logs
// only failures), so they should not pay for it (style.md habit 6).
import type { FastifyBaseLogger } from 'fastify';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
type Pino = FastifyBaseLogger & { isLevelEnabled?(level: string): boolean; bindings?(): Record<string, unknown> };

export class LazyLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: Pino,
    private readonly binds: Record<string, unknown>,
    private readonly opts: Record<string, unknown> | undefined,
  ) {}

  private get l(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.binds, this.opts as never));
  }

  get level(): string { return this.parent.level; }
  set level(v: string) { this.l.level = v; }

  fatal(...a: unknown[]): void { if (this.parent.isLevelEnabled?.('fatal') !== false) (this.l.fatal as (...x: unknown[]) => void)(...a); }
  error(...a: unknown[]): void { if (this.parent.isLevelEnabled?.('error') !== false) (this.l.error as (...x: unknown[]) => void)(...a); }
  warn(...a: unknown[]): void { if (this.parent.isLevelEnabled?.('warn') !== false) (this.l.warn as (...x: unknown[]) => void)(...a); }
  info(...a: unknown[]): void { if (this.parent.isLevelEnabled?.('info') !== false) (this.l.info as (...x: unknown[]) => void)(...a); }
  debug(...a: unknown[]): void { if (this.parent.isLevelEnabled?.('debug') !== false) (this.l.debug as (...x: unknown[]) => void)(...a); }
  trace(...a: unknown[]): void { if (this.parent.isLevelEnabled?.('trace') !== false) (this.l.trace as (...x: unknown[]) => void)(...a); }
  silent(): void {}
  child(bindings: Record<string, unknown>, opts?: Record<string, unknown>): FastifyBaseLogger {
    return this.l.child(bindings, opts as never);
  }
  isLevelEnabled(level: Level): boolean {
    return this.parent.isLevelEnabled?.(level) ?? true;
  }
  bindings(): Record<string, unknown> {
    return { ...this.parent.bindings?.(), ...this.binds };
  }
}
