import type { Provider } from "../bindings/Provider";
import { providerLabel } from "../format";

export function ProviderBadge({ provider }: { provider: Provider }) {
  return <span className={`provider provider-${provider}`}>{providerLabel[provider]}</span>;
}
