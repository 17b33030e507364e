// What the vendor-client tests share: a refusal the SDK must report in its own error type, unique names.
import assert from "node:assert/strict";

/**
 * Calls `f`, which must fail with the SDK's own error: `isVendorError(e)` says whether it is (an
 * ApiException, Pipedrive's error body, jsforce's error with Salesforce's errorCode). Returns it.
 */
export async function refused(f, isVendorError) {
  try {
    await f();
  } catch (e) {
    assert.ok(isVendorError(e), `not the SDK's error: ${e}`);
    return e;
  }
  assert.fail("the call was accepted");
}

/** A name no other call of this run uses: `what`, the process, the time and a counter. */
export const unique = (() => {
  let n = 0;
  return (what, separator = "-") => [what, process.pid, Date.now(), ++n].join(separator);
})();
