// One worker of the mt and prefork shapes: its own endpoint on a ManualNetwork, the CIDs
// it issues stamped with its worker id (cidRouting), serving echo. Whatever carries the
// datagrams (a parent thread, sibling processes) calls the two functions it returns.
import { createServerEndpoint, loadCoreModule, nodeCryptoProvider, ManualNetwork, parsePemCertificates, parsePemPrivateKey, type OutgoingDatagram, type UdpAddress } from '../../host/index';
import { ALPN, serveAll, type Served } from './echo';

/** What a worker needs to start. */
export interface WorkerSetup {
  workerId: number;
  certPem: string;
  keyPem: string;
}

/** A running worker: feed it datagrams, stop it for its report. */
export interface ShapeWorker {
  receive(data: Uint8Array, from: UdpAddress): void;
  /** Waits for the connections to end, closes the endpoint; resolves with what it served. */
  stop(): Promise<Served[]>;
}

/** Starts a worker whose outgoing datagrams go to `send`. */
export function startWorker(setup: WorkerSetup, send: (d: OutgoingDatagram) => void): ShapeWorker {
  const network = new ManualNetwork();
  network.onDatagram(send);
  const endpoint = createServerEndpoint({
    coreModule: loadCoreModule(), network, crypto: nodeCryptoProvider, tls: { alpn: [ALPN] },
    certificate: { chain: parsePemCertificates(setup.certPem), key: parsePemPrivateKey(setup.keyPem) },
    cidRouting: { workerId: setup.workerId },
  });
  const serving = serveAll(endpoint);
  return {
    receive: (data, from) => network.receiveDatagram(data, from),
    async stop() {
      const served = await serving.finished();
      await endpoint.close();
      await serving.accepting;
      return served;
    },
  };
}
