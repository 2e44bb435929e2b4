import { Global, Injectable, Module } from '@nestjs/common';

import type { ErasureParticipant } from './erasure-participant';

/** The modules that take part in exports and erasures; see `ErasureParticipant`. */
@Injectable()
export class ErasureRegistry {
  readonly #participants = new Map<string, ErasureParticipant>();

  register(participant: ErasureParticipant): void {
    if (this.#participants.has(participant.name)) {
      throw new Error(`erasure participant "${participant.name}" is registered twice`);
    }
    this.#participants.set(participant.name, participant);
  }

  /** Tables that participants cover themselves (see `ErasureParticipant.tables`). */
  coveredTables(): Set<string> {
    return new Set([...this.#participants.values()].flatMap((p) => p.tables ?? []));
  }

  /** Export order: the tenant first, derived data after it. */
  forExport(): ErasureParticipant[] {
    return [...this.#participants.values()].sort((a, b) => a.order - b.order);
  }

  /** Erasure order: derived data first, the tenant itself last. */
  forErasure(): ErasureParticipant[] {
    return this.forExport().reverse();
  }
}

/** Global, so any module can register without importing the privacy module (no cycles). */
@Global()
@Module({ providers: [ErasureRegistry], exports: [ErasureRegistry] })
export class ErasureRegistryModule {}
