// Turns TLS secrets into packet protection state in the key table (host/crypto) and
// hands the core their handles — the KeyInstaller the handshake glue uses.

import type { CryptoProvider } from '../crypto/provider';
import type { KeyTable } from '../crypto/key-table';
import { initialSecrets, packetKeyMaterial, nextGenerationSecret } from '../crypto/quic-keys';
import { Suite } from '../crypto/suites';
import type { CoreSuite, KeyHandles, KeyInstaller } from './handshake';

export class TableKeyInstaller implements KeyInstaller {
  constructor(private readonly provider: CryptoProvider, private readonly table: KeyTable) {}

  initial(version: number, dcid: Uint8Array, isServer: boolean): { read: KeyHandles; write: KeyHandles } {
    const s = initialSecrets(version, dcid);
    const client = this.fromSecret(version, Suite.Aes128Gcm, s.client);
    const server = this.fromSecret(version, Suite.Aes128Gcm, s.server);
    return isServer ? { read: client, write: server } : { read: server, write: client };
  }

  fromSecret(version: number, suite: CoreSuite, secret: Uint8Array): KeyHandles {
    const s = suite;
    const m = packetKeyMaterial(version, s, secret);
    return {
      aead: this.table.addAead(this.provider.createPacketProtector(s, m.key, m.iv)),
      hp: this.table.addHp(this.provider.createHeaderProtector(s, m.hp)),
    };
  }

  nextGeneration(version: number, suite: CoreSuite, secret: Uint8Array): { secret: Uint8Array; aead: number } {
    const next = nextGenerationSecret(version, suite, secret);
    const m = packetKeyMaterial(version, suite, next);
    return { secret: next, aead: this.table.addAead(this.provider.createPacketProtector(suite, m.key, m.iv)) };
  }

  releaseAead(handle: number): void {
    this.table.releaseAead(handle);
  }

  release(h: KeyHandles): void {
    this.table.releaseAead(h.aead);
    this.table.releaseHp(h.hp);
  }
}
