// Starts the CRM emulator (`fakecrm`, built by `cargo build`) on a free loopback port for one test file and
// hands back its description: where each CRM is and how to sign in. The emulator stops with the process.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = process.env.FAKECRM_BIN ?? `${root}target/debug/fakecrm`;

export async function startEmulator({ records = 300, faults = "", args = [] } = {}) {
  const child = spawn(bin, ["--port", "0", "--records", String(records), "--faults", faults, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.on("exit", () => child.kill("SIGTERM"));
  const first = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`fakecrm exited with ${code} before describing itself (${bin})`)),
    );
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  const description = JSON.parse(first);
  // Neither the child nor its pipe keeps the test process alive once its tests are done.
  child.unref();
  child.stdout.unref?.();
  child.stdout.destroy();
  return { ...description, admin: admin(description.admin_url), stop: () => child.kill("SIGTERM") };
}

/** The emulator's admin routes: faults per provider, the request log. */
function admin(url) {
  return {
    async faults(provider, spec) {
      const r = await fetch(`${url}/faults?provider=${provider}`, { method: "PUT", body: spec });
      if (!r.ok) throw new Error(`setting faults: ${r.status} ${await r.text()}`);
    },
    async requests(provider) {
      const r = await fetch(`${url}/requests?provider=${provider}`);
      return (await r.json()).requests ?? [];
    },
    async clearRequests() {
      await fetch(`${url}/requests`, { method: "DELETE" });
    },
  };
}
