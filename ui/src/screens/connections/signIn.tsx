import { useState } from "react";
import { IpcError, api } from "../../ipc";

export type SignInMethod = "browser" | "key";

/** A sign-in form's state: the method, the wait, its error; "Cancel" gives up a browser wait first. */
export function useSignIn(onDone: () => void, onCancel: () => void) {
  const [method, setMethod] = useState<SignInMethod>("browser");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  /** Runs the sign-in; giving up a browser sign-in is not an error to show. */
  const submit = async (work: (method: SignInMethod) => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work(method);
      onDone();
    } catch (err) {
      if (!(err instanceof IpcError && err.code === "cancelled")) setError(err);
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => {
    if (busy && method === "browser") void api.cancelSignIn();
    else onCancel();
  };

  return { method, setMethod, busy, error, submit, cancel };
}

/** Browser or key: the two ways to sign in. */
export function SignInChoice({
  name,
  method,
  onChange,
  keyLabel,
  disabled,
}: {
  /** The radio group's name, also the prefix of its test ids. */
  name: string;
  method: SignInMethod;
  onChange: (method: SignInMethod) => void;
  keyLabel: string;
  disabled: boolean;
}) {
  return (
    <fieldset className="choice" disabled={disabled}>
      <legend>Sign in</legend>
      <label>
        <input
          type="radio"
          name={name}
          checked={method === "browser"}
          onChange={() => onChange("browser")}
          data-testid={`${name}-browser`}
        />
        With your browser
      </label>
      <label>
        <input
          type="radio"
          name={name}
          checked={method === "key"}
          onChange={() => onChange("key")}
          data-testid={`${name}-key`}
        />
        {keyLabel}
      </label>
    </fieldset>
  );
}
