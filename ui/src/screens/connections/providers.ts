// The four CRMs as the Connections screen and the start screen offer them.
import type { Provider } from "../../bindings/Provider";

export const PROVIDERS: {
  id: Provider;
  label: string;
  baseUrl: string;
  key: string;
  withKey: string;
  /** Where a person finds the key or the app this CRM signs in with. */
  where: string;
}[] = [
  {
    id: "hubspot",
    label: "HubSpot",
    baseUrl: "https://api.hubapi.com",
    key: "Private app access token",
    withKey: "With a private app token",
    where:
      "Sign in with your browser, or create a private app in HubSpot (Settings → Integrations → Private Apps) and paste its access token.",
  },
  {
    id: "salesforce",
    label: "Salesforce",
    baseUrl: "https://yourcompany.my.salesforce.com",
    key: "Session id",
    withKey: "With a session id",
    where:
      "Sign in with your browser: production, a sandbox or your own My Domain. A session id from your org works too.",
  },
  {
    id: "close",
    label: "Close",
    baseUrl: "https://api.close.com/api/v1",
    key: "API key",
    withKey: "With an API key",
    where: "Paste an API key from Close: Settings → Developer → API Keys → New API Key.",
  },
  {
    id: "pipedrive",
    label: "Pipedrive",
    baseUrl: "https://api.pipedrive.com/api/v1",
    key: "API token",
    withKey: "With an API token",
    where:
      "Sign in with your browser, or paste your personal API token from Pipedrive: Personal preferences → API.",
  },
];
