import type { ErasureCounts, ErasureParticipant } from './erasure-participant';
import { ErasureRegistry } from './erasure-registry';

function participant(name: string, order: number, tables?: string[]): ErasureParticipant {
  const none = (): Promise<ErasureCounts> => Promise.resolve({});
  return { name, order, tables, exportTenant: none, eraseTenant: none, eraseSubject: none };
}

describe(ErasureRegistry.name, () => {
  it('exports the tenant first and erases it last', () => {
    const sut = new ErasureRegistry();
    sut.register(participant('logs', 100, ['logs']));
    sut.register(participant('tenant-tables', 0));
    sut.register(participant('patterns', 200, ['patterns', 'pattern_examples']));
    expect(sut.forExport().map((p) => p.name)).toEqual(['tenant-tables', 'logs', 'patterns']);
    expect(sut.forErasure().map((p) => p.name)).toEqual(['patterns', 'logs', 'tenant-tables']);
    expect([...sut.coveredTables()].sort()).toEqual(['logs', 'pattern_examples', 'patterns']);
  });

  it('refuses a participant registered twice', () => {
    const sut = new ErasureRegistry();
    sut.register(participant('logs', 100));
    expect(() => sut.register(participant('logs', 100))).toThrow(/registered twice/);
  });
});
