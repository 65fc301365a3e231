export { Bridge, type BridgeArgs } from "./bridge";
export { Nat, type NatArgs, type PortForwardArgs } from "./nat";
export { AddressAllocator, hostAddress, type AttachOptions, type PlannedAttachment, type VnetAttachment } from "./vnet";
