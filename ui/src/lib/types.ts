// The values that cross the IPC boundary, mirroring the Rust structs field for field.
// Keep in step by hand for now: awslab_core::catalog::{LabSummary, CatalogListing} and
// awslab_desktop::IpcError. (A later change generates this file from the Rust types.)

/** A text in both languages of the course; `awslab_lab::Localized`. */
export interface Localized {
  ko: string;
  en: string;
}

/** One lab as the catalog shows it; `awslab_core::catalog::LabSummary`. */
export interface LabSummary {
  id: string;
  title: Localized;
  estimated_minutes: number;
  step_count: number;
}

/**
 * Every lab that loaded, and one line per lab that did not
 * (`"labs/x/lab.toml:3:1: message"`); `awslab_core::catalog::CatalogListing`.
 */
export interface CatalogListing {
  labs: LabSummary[];
  problems: string[];
}

/** The closed set of error codes a command returns; `awslab_desktop::IpcErrorCode`. */
export type IpcErrorCode = 'labs_unavailable';

/** The one error shape every command returns; `awslab_desktop::IpcError`. */
export interface IpcError {
  code: IpcErrorCode;
  message: string;
}
