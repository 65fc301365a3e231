// jail:Jail — a jail on a FreeBSD host: its /etc/jail.conf.d/NAME.conf, the ZFS clone it runs on (when it
// has one of its own), its rctl limits, its place in jail_list, and whether it runs. Id: HOST/NAME.
//
// Ownership: the config file's header names the resource (render.ts); a clone made for the jail carries the
// pulumi-freebsd:owner ZFS property and is destroyed with it unless keepData. Datasets mounted into the jail,
// or given as its root, belong to someone else and are never touched.
import { checkWith } from "../check";
import { type CheckResult, type DiffResult, PartialCreateError, type ResourceKind } from "../resource";
import { hostFor, type Host } from "../ssh";
import { hostLabel as hostId } from "../ssh/connection";
import { planChanges } from "./changes";
import * as cmd from "./commands";
import { observeJail, type JailObservation } from "./inventory";
import { formatRctlRule } from "./output";
import { confPath, joinPath, ownerOf, renderJailConf } from "./render";
import {
  crossFieldFailures,
  datasetsToResolve,
  jailInputsSchema,
  jailSpec,
  type JailInputs,
  type Mountpoints,
} from "./schema";
import { rootPath } from "./spec";

export interface JailOutputs extends JailInputs {
  schemaVersion: number;
  /** The jail's id while it runs, null when it does not. */
  jid: number | null;
  /** The jail's root directory on the host. */
  path: string;
  /** Its IPv4 and IPv6 addresses (inside the jail, for a vnet jail), without prefix lengths. */
  ip4Addresses: string[];
  ip6Addresses: string[];
  /** /etc/jail.conf.d/NAME.conf as it is on the host. */
  config: string;
  configFile: string;
  /** The mountpoints of the datasets the config names, as they were when it was written. */
  mountpoints: Mountpoints;
  /** The rootfs clone was made by this resource (and is destroyed with it unless keepData). */
  createdDataset: boolean;
}

/** A jail's rc scripts may take a while to start or stop its services (stop.timeout alone is 10 s a jail). */
const RC_TIMEOUT = { timeoutMs: 600_000 };

export { hostId };

function rules(i: Pick<JailInputs, "name" | "limits">): string[] {
  return cmd.limitRules(i.name, i.limits as Record<string, string>).map(formatRctlRule);
}

/** The datasets' mountpoints and owner markers; a dataset that does not exist is left out. */
async function zfsProps(host: Host, datasets: string[]) {
  const found = new Map<string, { mountpoint?: string; owner?: string }>();
  if (datasets.length === 0) return found;
  const r = await host.exec(cmd.zfsGetJailProps(datasets), { retry: "safe", okExitCodes: [0, 1] });
  for (const line of r.stdout.split("\n")) {
    const [name, property, value, source] = line.split("\t");
    if (name === undefined || value === undefined) continue;
    const entry = found.get(name) ?? {};
    if (property === "mountpoint") entry.mountpoint = value;
    else if (property === cmd.OWNER_PROPERTY && source === "local") entry.owner = value;
    found.set(name, entry);
  }
  const missing = datasets.filter((d) => !found.has(d));
  if (r.exitCode !== 0 && missing.length === 0) throw new Error(`zfs get failed on ${host.name}: ${r.stderr.trim()}`);
  return found;
}

async function mountpointsOf(host: Host, inputs: JailInputs): Promise<Mountpoints> {
  const datasets = datasetsToResolve(inputs);
  const props = await zfsProps(host, datasets);
  const out: Mountpoints = {};
  for (const ds of datasets) {
    const mp = props.get(ds)?.mountpoint;
    if (mp === undefined) throw new Error(`dataset ${ds} does not exist on ${host.name}`);
    out[ds] = mp;
  }
  return out;
}

function addresses(i: JailInputs) {
  const bare = (a: string) => a.replace(/\/\d+$/, "");
  if (i.vnet !== undefined) {
    const a = i.vnet.address === undefined ? [] : [bare(i.vnet.address)];
    return { ip4Addresses: a.filter((x) => !x.includes(":")), ip6Addresses: a.filter((x) => x.includes(":")) };
  }
  return { ip4Addresses: (i.ip4 ?? []).map(bare), ip6Addresses: (i.ip6 ?? []).map(bare) };
}

/** Outputs from the inputs applied and what the host now shows. */
function outputsFrom(inputs: JailInputs, obs: JailObservation, mountpoints: Mountpoints, createdDataset: boolean) {
  const spec = jailSpec(inputs, mountpoints);
  return {
    ...inputs,
    ...observed(inputs, obs),
    schemaVersion: jailKind.schemaVersion,
    path: rootPath(spec.rootfs),
    ...addresses(inputs),
    configFile: confPath(inputs.name),
    mountpoints,
    createdDataset,
  };
}

/** The outputs that mirror the host, compared with the inputs by diff: drift shows up there. */
function observed(inputs: Pick<JailInputs, "name" | "limits">, obs: JailObservation) {
  // rctl's rules are the truth when rctl answers; with RACCT off there are none to compare.
  const limits =
    obs.rctlError === undefined
      ? Object.fromEntries(obs.rules.filter((r) => r.action === "deny").map((r) => [r.resource, r.amount]))
      : inputs.limits;
  return {
    jid: obs.running?.jid ?? null,
    state: (obs.running === undefined ? "stopped" : "running") as JailInputs["state"],
    config: obs.config ?? "",
    startAtBoot: obs.atBoot,
    limits,
  };
}

/** JSON with sorted keys: state comes back from the engine with its keys in another order. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
const sameJson = (a: unknown, b: unknown) => stable(a) === stable(b);

/** The inputs part of stored outputs (with the observed state, startAtBoot and limits in place). */
function inputsOf(outs: JailOutputs): JailInputs {
  const { jid: _jid, path: _path, ip4Addresses: _ip4, ip6Addresses: _ip6, config: _config, ...rest } = outs;
  const { configFile: _file, mountpoints: _mp, createdDataset: _created, schemaVersion: _v, ...inputs } = rest;
  return inputs;
}

/** rctl -r for rules that go or change, rctl -a for the new ones. */
function rctlCommands(name: string, have: string[], want: string[]): string[][] {
  const out: string[][] = [];
  const resource = (rule: string) => rule.split(":")[2];
  const gone = have.filter((r) => !want.includes(r));
  if (gone.length > 0) out.push(cmd.rctlRemove(gone.map((r) => `jail:${name}:${resource(r)}`)));
  const added = want.filter((r) => !have.includes(r));
  if (added.length > 0) out.push(cmd.rctlAdd(added));
  return out;
}

function bootChange(name: string, obs: JailObservation, want: boolean): string[][] {
  if (want === obs.atBoot && (want || !obs.listed)) return [];
  return cmd.bootCommands(name, want);
}

/** Mount points inside the jail's root, which mount(8) needs to exist. */
function mountDirs(inputs: JailInputs, mountpoints: Mountpoints): string[] {
  const root = rootPath(jailSpec(inputs, mountpoints).rootfs);
  return inputs.mounts.map((m) => joinPath(root, m.target));
}

function refuseForeign(inputs: JailInputs, obs: JailObservation, host: Host): void {
  if (obs.shadowed) {
    throw new Error(
      `/etc/jail.${inputs.name}.conf exists on ${host.name}; rc.d/jail reads it before ${confPath(inputs.name)}. ` +
        `Remove it or choose another [name].`,
    );
  }
  const owner = obs.config === undefined ? undefined : ownerOf(obs.config);
  const foreign = (obs.config !== undefined && owner !== inputs.owner) || (obs.config === undefined && obs.running);
  if (foreign && !inputs.adopt) {
    const what = obs.config !== undefined ? `${confPath(inputs.name)} exists` : `a jail named ${inputs.name} runs`;
    const whose = owner === undefined ? "not made by pulumi-freebsd" : `managed by ${owner}`;
    throw new Error(`${what} on ${host.name}, ${whose}; set [adopt] to take it over, or choose another [name]`);
  }
}

export const jailKind: ResourceKind<JailInputs, JailOutputs> = {
  schemaVersion: 1,

  async check(_olds, news): Promise<CheckResult<JailInputs>> {
    const result = checkWith(jailInputsSchema, news);
    return { inputs: result.inputs, failures: [...result.failures, ...crossFieldFailures(news)] };
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (olds.name !== news.name) replaces.push("name");
    if (!sameJson(olds.rootfs, news.rootfs)) replaces.push("rootfs");
    if (
      olds.connection.host !== news.connection.host ||
      (olds.connection.port ?? 22) !== (news.connection.port ?? 22)
    ) {
      replaces.push("connection");
    }
    const oldInputs = inputsOf(olds);
    let configDrift: boolean;
    try {
      // Differs when an input that shapes the file changed, or when someone edited the file by hand.
      configDrift = olds.config !== renderJailConf(jailSpec(news, olds.mountpoints));
    } catch {
      configDrift = true; // a dataset whose mountpoint is not known yet: the config changes
    }
    const changes =
      replaces.length > 0 ||
      configDrift ||
      !sameJson(rules(oldInputs), rules(news)) ||
      !sameJson({ ...oldInputs, limits: {} }, { ...news, limits: {} });
    // A replacement has the same name (or the same clone) as the jail it replaces: the old one goes first.
    const collides =
      olds.name === news.name ||
      (olds.rootfs.kind === "clone" && news.rootfs.kind === "clone" && olds.rootfs.dataset === news.rootfs.dataset);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && collides };
  },

  async create(inputs) {
    const host = hostFor(inputs.connection);
    const id = `${hostId(inputs.connection)}/${inputs.name}`;
    const before = await observeJail(host, inputs.name);
    refuseForeign(inputs, before, host);

    let createdDataset = false;
    if (inputs.rootfs.kind === "clone") {
      const existing = (await zfsProps(host, [inputs.rootfs.dataset])).get(inputs.rootfs.dataset);
      if (existing === undefined) {
        await host.exec(cmd.zfsClone(inputs.rootfs.snapshot, inputs.rootfs.dataset, inputs.owner));
        createdDataset = true;
      } else if (existing.owner === inputs.owner) {
        createdDataset = true; // made by an earlier, interrupted create of this resource
      } else if (!inputs.adopt) {
        throw new Error(
          `dataset ${inputs.rootfs.dataset} already exists on ${host.name}` +
            `${existing.owner ? ` (owned by ${existing.owner})` : ""}; set [adopt] to use it, or choose another [rootfs.dataset]`,
        );
      }
    }
    let wrote = false;
    const partial = (err: unknown, mountpoints: Mountpoints): never => {
      if (!createdDataset && !wrote) throw err;
      const props = {
        ...inputs,
        createdDataset,
        mountpoints,
        config: "",
        jid: null,
        state: "stopped",
        configFile: confPath(inputs.name),
      };
      throw new PartialCreateError(
        `jail ${inputs.name}: ${err instanceof Error ? err.message : String(err)}`,
        id,
        props,
      );
    };
    let mountpoints: Mountpoints = {};
    try {
      mountpoints = await mountpointsOf(host, inputs);
      const text = renderJailConf(jailSpec(inputs, mountpoints));
      const steps: Array<string | string[]> = [cmd.writeFileScript(confPath(inputs.name))];
      const dirs = cmd.mkdirs(mountDirs(inputs, mountpoints));
      if (dirs) steps.push(dirs);
      steps.push(...rctlCommands(inputs.name, before.rules.map(formatRctlRule), rules(inputs)));
      steps.push(...bootChange(inputs.name, before, inputs.startAtBoot));
      await host.script(cmd.chain(steps), { stdin: text });
      wrote = true;
      if (inputs.state === "running" && before.running === undefined)
        await host.script(cmd.startJailScript(inputs.name), RC_TIMEOUT);
      const after = await observeJail(host, inputs.name);
      return { id, outs: outputsFrom(inputs, after, mountpoints, createdDataset) };
    } catch (err) {
      return partial(err, mountpoints);
    }
  },

  async read(id, props) {
    const host = hostFor(props.connection);
    const obs = await observeJail(host, props.name);
    if (obs.config === undefined && obs.running === undefined) return undefined;
    return { id, props: { ...props, ...observed(props, obs) } };
  },

  async update(_id, olds, news) {
    const host = hostFor(news.connection);
    const obs = await observeJail(host, news.name);
    // A file another resource wrote since is not overwritten; this one's old marker (a renamed stack) is fine.
    const marker = obs.config === undefined ? undefined : ownerOf(obs.config);
    if (marker !== undefined && marker !== news.owner && marker !== olds.owner) refuseForeign(news, obs, host);
    const mountpoints = await mountpointsOf(host, news);
    const text = renderJailConf(jailSpec(news, mountpoints));
    const plan = planChanges(obs.config, text, news.name);
    const running = obs.running !== undefined;
    const wantRunning = news.state === "running";
    const restart = running && wantRunning && plan.restart.length > 0;

    // The old config stops the jail: its exec.stop and mounts are the ones in force.
    if (running && (!wantRunning || restart)) await host.script(cmd.stopJailScript(news.name), RC_TIMEOUT);
    const steps: Array<string | string[]> = [];
    if (obs.config !== text) steps.push(cmd.writeFileScript(confPath(news.name)));
    const dirs = cmd.mkdirs(mountDirs(news, mountpoints));
    if (dirs && wantRunning && (!running || restart)) steps.push(dirs);
    steps.push(...rctlCommands(news.name, obs.rules.map(formatRctlRule), rules(news)));
    steps.push(...bootChange(news.name, obs, news.startAtBoot));
    if (running && wantRunning && !restart && plan.live.length > 0) steps.push(cmd.jailModify(news.name, plan.modify));
    if (steps.length > 0) await host.script(cmd.chain(steps), obs.config !== text ? { stdin: text } : {});
    if (wantRunning && (!running || restart)) await host.script(cmd.startJailScript(news.name), RC_TIMEOUT);
    const after = await observeJail(host, news.name);
    return outputsFrom(news, after, mountpoints, olds.createdDataset);
  },

  async delete(_id, props) {
    const host = hostFor(props.connection);
    const obs = await observeJail(host, props.name);
    const owner = obs.config === undefined ? undefined : ownerOf(obs.config);
    if (obs.config !== undefined && owner !== props.owner) {
      throw new Error(
        `${confPath(props.name)} on ${host.name} is ${owner === undefined ? "not managed by pulumi-freebsd" : `managed by ${owner}`}` +
          ` now; not deleting it or its jail`,
      );
    }
    if (obs.running !== undefined) await host.script(cmd.stopJailScript(props.name), RC_TIMEOUT);
    const steps: Array<string | string[]> = [cmd.removeConf(props.name)];
    if (obs.rules.length > 0) steps.push(cmd.rctlRemove([`jail:${props.name}`]));
    if (obs.listed) steps.push(...cmd.bootCommands(props.name, false));
    await host.script(cmd.chain(steps));
    if (props.rootfs.kind === "clone" && props.createdDataset && !props.keepData) {
      const ds = props.rootfs.dataset;
      const existing = (await zfsProps(host, [ds])).get(ds);
      // Destroyed only while it still carries this resource's marker: someone may have taken it over.
      if (existing !== undefined && existing.owner === props.owner) await host.exec(cmd.zfsDestroy(ds));
    }
  },
};
