// The values that cross the IPC boundary. They are generated from the Rust types by ts-rs into
// ./bindings (never edit those by hand): after changing a Rust type, run
// `cargo test -p awslab-desktop -- --ignored export_bindings`. `cargo test` fails while the
// committed bindings are stale.
export type { CatalogListing } from './bindings/CatalogListing';
export type { EmulatorStatus } from './bindings/EmulatorStatus';
export type { IpcError } from './bindings/IpcError';
export type { IpcErrorCode } from './bindings/IpcErrorCode';
export type { LabStanding } from './bindings/LabStanding';
export type { LabSummary } from './bindings/LabSummary';
export type { Localized } from './bindings/Localized';
export type { Score } from './bindings/Score';
