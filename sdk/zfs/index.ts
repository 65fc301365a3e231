export { Dataset, type DatasetArgs } from "./dataset";
export { Volume, type VolumeArgs } from "./volume";
export { Snapshot, type SnapshotArgs } from "./snapshot";
export type { DatasetCommonArgs, PropertiesArgs, ReportedProperty } from "./common";
