import { Fragment } from "react";

/** Text that wraps at its natural joints (after "@", before ".", "+" and "/") rather than mid-word:
 *  an e-mail in a narrow column breaks as "w.smith@ / acme.com", never "acme.co / m". */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=@)|(?=[.+/])/);
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i ? <wbr /> : null}
          {p}
        </Fragment>
      ))}
    </>
  );
}
