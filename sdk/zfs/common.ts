import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";

/**
 * Native properties (zfsprops(7): compression, recordsize, quota, mountpoint, atime, canmount, readonly, exec,
 * setuid, …) and user properties (names with a colon: "org.example:role"). Values are what `zfs set` takes;
 * numbers and booleans are accepted (true is "on"). Sizes compare by bytes: "1G", "1024M" and 1073741824 are
 * the same. Removing a property from the program returns it to its inherited or default value
 * (`zfs inherit -S`). Changing a set-once property (casesensitivity, normalization, utf8only, encryption,
 * keyformat) replaces the dataset, and the preview names the property.
 */
export type PropertiesArgs = Record<string, pulumi.Input<string | number | boolean>>;

/** What every ZFS dataset resource takes. */
export interface DatasetCommonArgs {
  /** The host; the same object works for every resource of the library (and for @pulumi/command). */
  connection: pulumi.Input<ConnectionArgs>;
  /**
   * The full name, pool first: "zroot/jails/web". Changing it renames the dataset in place (`zfs rename`),
   * keeping its data; a name in another pool replaces it. To nest datasets, build the child's name from the
   * parent's output (`pulumi.interpolate\`${parent.name}/child\``) so the child follows a rename.
   */
  name: pulumi.Input<string>;
  properties?: pulumi.Input<PropertiesArgs>;
  /** Create missing parent datasets (without properties or ownership), as `zfs create -p` would. */
  createParents?: pulumi.Input<boolean>;
  /**
   * Take over a dataset that already exists: its properties are set as declared, it gets this resource's
   * ownership marker, and destroying the resource destroys it. Without it, an existing dataset is an error.
   */
  adopt?: pulumi.Input<boolean>;
  /**
   * Let destroy take children and snapshots this resource did not create with it (`zfs destroy -r`), or a
   * dataset without this resource's ownership marker. False by default: destroy then refuses and lists them.
   */
  forceDestroy?: pulumi.Input<boolean>;
}

/** A property as `zfs get` reports it. */
export interface ReportedProperty {
  value: string;
  /** "-", "default", "local", "temporary", "received" or "inherited from <dataset>". */
  source: string;
}

/** Outputs every ZFS resource declares (kept undefined in the inputs so Pulumi registers them). */
export const commonOutputs = {
  guid: undefined,
  used: undefined,
  referenced: undefined,
  creation: undefined,
  appliedValues: undefined,
  reported: undefined,
};
