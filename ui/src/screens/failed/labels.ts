import type { ErrorCategory } from "../../bindings/ErrorCategory";
import type { WriteOperation } from "../../bindings/WriteOperation";

// How the Failed records screens name a problem and a write.

export const CATEGORY_LABEL: { [C in ErrorCategory]: string } = {
  validation: "Invalid data",
  auth: "Sign-in",
  permission: "Permission",
  rate_limit: "Rate limit",
  not_found: "Not found",
  conflict: "Conflict",
  server: "CRM error",
  network: "Network",
};

export const OPERATION_LABEL: { [O in WriteOperation]: string } = {
  create: "Create",
  update: "Update",
  upsert: "Create or update",
  delete: "Delete",
  merge: "Merge",
};
