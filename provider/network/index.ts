// VNET networking on FreeBSD hosts: bridges, NAT and port forwards in a pf anchor, and the vnet attachment
// that jails take.
export { bridgeKind, type BridgeOutputs } from "./bridge";
export { natKind, natRules, type NatOutputs } from "./nat";
export { pfAnchorHooksPresent, pfAnchorFinding, pfAnchorProbe, judgePfConf, type HooksVerdict } from "./hooks";
export { AddressAllocator, type VnetAttachment } from "./vnet";
export { vnetAttachmentSchema, vnetFailures, type VnetAttachmentInputs } from "./schema";
