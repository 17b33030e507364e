import type { FieldAcross } from "../../bindings/FieldAcross";
import type { FieldRule } from "../../bindings/FieldRule";
import { fieldLabel } from "../duplicates/fields";
import { RULES, ruleLabel } from "./rules";

/** Fields kept with a field of another name on the other side (a lead's status with a contact's lead
 *  status): the rule of each, and the value each of A's values becomes on B. */
export function AcrossEditor({
  across,
  a,
  b,
  options,
  onChange,
  testId,
}: {
  across: FieldAcross[];
  a: string;
  b: string;
  /** The values each of B's picklists takes, as B's CRM lists them. */
  options: { [field: string]: string[] };
  onChange: (across: FieldAcross[]) => void;
  testId: string;
}) {
  const set = (index: number, change: Partial<FieldAcross>) =>
    onChange(across.map((f, i) => (i === index ? { ...f, ...change } : f)));
  return (
    <div data-testid={testId}>
      {across.map((f, i) => {
        const id = `${testId}-${i}`;
        // B's picklist values as its CRM lists them, and any the map holds besides.
        const listed = options[f.b] ?? [];
        const known = [...listed, ...new Set(Object.values(f.values).filter((v) => !listed.includes(v)))];
        return (
          <div key={`${f.a}-${f.b}`} className="across">
            <h4 id={`${id}-head`}>
              {a}'s {fieldLabel(f.a)} ⇄ {b}'s {fieldLabel(f.b)}
            </h4>
            <label>
              Rule
              <select
                value={f.rule}
                onChange={(e) => set(i, { rule: e.target.value as FieldRule })}
                data-testid={`${id}-rule`}
              >
                {RULES.map((r) => (
                  <option key={r} value={r}>
                    {ruleLabel(r, a, b)}
                  </option>
                ))}
              </select>
            </label>
            <datalist id={`${id}-values`}>
              {known.map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
            <table className="grid rules" aria-labelledby={`${id}-head`}>
              <thead>
                <tr>
                  <th>
                    {a}'s {fieldLabel(f.a).toLowerCase()}
                  </th>
                  <th>
                    becomes {b}'s {fieldLabel(f.b).toLowerCase()}
                  </th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(f.values).map(([from, to]) => (
                  <tr key={from}>
                    <td>{from}</td>
                    <td>
                      <input
                        list={`${id}-values`}
                        value={to}
                        aria-label={`${b}'s ${fieldLabel(f.b).toLowerCase()} for ${from}`}
                        onChange={(e) => set(i, { values: { ...f.values, [from]: e.target.value } })}
                        data-testid={`${id}-value-${from}`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
      <p className="small muted">
        A value the map does not name goes across as it is. {b}'s value comes back as the first of {a}'s that
        becomes it.
      </p>
    </div>
  );
}
