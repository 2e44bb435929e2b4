import { describeLogStoreContract } from '../../contracts/log-store.contract';
import { InMemoryLogStore } from '../../fakes/in-memory-log-store';

describeLogStoreContract('in memory (the unit-test fake)', async () => ({
  store: new InMemoryLogStore(),
  cleanup: async () => undefined,
}));
