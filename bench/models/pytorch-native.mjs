// PyTorch native as a third engine of the model benchmark: a Python process
// (bench/models/native.py) that loads the exported state dict and times its own forwards,
// one request at a time, so its calls take part in the same alternating rounds as the
// engines in this process. The time of a call is the one PyTorch measured (the pipe's
// round trip is left out).

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const script = join(dirname(fileURLToPath(import.meta.url)), "native.py");

export function pytorchNative(python, threads = 1) {
  let child = null;
  const pending = [];
  const expect = () => new Promise((resolve, reject) => pending.push({ resolve, reject }));
  const ask = (request) => {
    const answer = expect();
    child.stdin.write(`${JSON.stringify(request)}\n`);
    return answer;
  };
  return {
    name: "pytorch",
    /** Starts native.py; resolves with its torch version, thread count and oneDNN flag. */
    async load() {
      // With more than one thread, OpenMP's workers would otherwise spin between the
      // parallel regions: driven from here (forwards one at a time, between the other
      // engines' calls) that made PyTorch's 2-thread forwards 8-10x slower on this 2-core
      // machine than with passive waiting. A value set by the user is kept.
      const env = threads > 1 && !process.env.OMP_WAIT_POLICY ? { ...process.env, OMP_WAIT_POLICY: "PASSIVE" } : process.env;
      child = spawn(python, [script, "--threads", String(threads)], { stdio: ["pipe", "pipe", "inherit"], env });
      const hello = expect();
      createInterface({ input: child.stdout }).on("line", (line) => {
        const p = pending.shift();
        if (!p) return;
        let v;
        try {
          v = JSON.parse(line);
        } catch {
          p.reject(new Error(`native.py: ${line}`));
          return;
        }
        if (v.error) p.reject(new Error(v.error));
        else p.resolve(v);
      });
      const fail = (why) => {
        for (const p of pending.splice(0)) p.reject(new Error(why));
      };
      child.on("error", (e) => fail(`could not start ${python}: ${e.message}`));
      child.on("exit", (code) => fail(`native.py exited (code ${code})`));
      const info = await hello;
      info.waitPolicy = env.OMP_WAIT_POLICY ?? null;
      return {
        version: info.torch,
        detail: `torch.set_num_threads(${info.threads}), no_grad${info.mkldnn ? ", oneDNN available" : ""}${info.waitPolicy ? `, OMP_WAIT_POLICY=${info.waitPolicy}` : ""}`,
        info,
      };
    },
    async prepare(files) {
      await ask({ load: files.id, dir: files.dir });
      return {
        run: () => ask({ run: 1 }),
        timeOf: (out) => out.ms[0],
        read: null, // PyTorch is the reference: its float32 error is measured by export.py
        release() {},
        async dispose() {
          await ask({ free: true });
        },
      };
    },
    close() {
      child?.stdin.end();
    },
  };
}
