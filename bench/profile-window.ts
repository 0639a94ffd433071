// A V8 CPU profile of one window of a bench (the measured part, not start-up and JIT
// warm-up), written as a .cpuprofile that bench/bulk/profile-shares.ts sums into crypto /
// wasm / glue / syscalls / GC. A no-op without a file name.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

export interface ProfileWindow {
  start(): Promise<void>;
  /** Stops and writes the profile (once; later calls do nothing). */
  stop(): Promise<void>;
}

export function profileWindow(file: string | undefined, intervalUs = 100): ProfileWindow {
  const session = file ? new Session() : null;
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session!.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  let profiling = false;
  return {
    async start() {
      if (!session || profiling) return;
      profiling = true;
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: intervalUs });
      await post('Profiler.start');
    },
    async stop() {
      if (!session || !profiling) return;
      profiling = false;
      const { profile } = await post('Profiler.stop');
      writeFileSync(file!, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
