// A sandbox host's first state: a plain FreeBSD 14.2 amd64 install. Only what differs per host is written
// (its hostname) plus the rc.conf text other tools read; every other area starts from its tool's initial
// value (ZFS loaded, vmm/if_bridge/pf not, only pkg installed, pf disabled), so `doctor` has work to report.
import { rmSync } from "node:fs";
import { StateStore } from "./state";
import { rcFiles, saveRcFiles } from "./tools/rcconf";

export function seedHostState(dir: string, hostname: string): StateStore {
  const store = new StateStore(dir);
  rmSync(store.file, { force: true });
  store.update((state) => {
    state.hostname = hostname;
    const rc = rcFiles(state);
    saveRcFiles(state, dir, rc, Object.keys(rc.files));
  });
  return store;
}
