//! Which OAuth app "Sign in with browser" uses: each CRM's production sign-in pages with the client id
//! registered for CRM Bridge (given at run time, never compiled in), or, for the demo workspace, the
//! emulated CRM's own app.

use bridge_model::Provider;

use crate::{DemoCrms, Error, OAuthClient, Result};

struct Production {
    authorize_url: &'static str,
    token_url: &'static str,
    scopes: &'static [&'static str],
}

fn production(provider: Provider) -> Production {
    match provider {
        Provider::Hubspot => Production {
            authorize_url: "https://app.hubspot.com/oauth/authorize",
            token_url: "https://api.hubapi.com/oauth/v1/token",
            scopes: &[
                "oauth",
                "crm.objects.contacts.read",
                "crm.objects.contacts.write",
                "crm.objects.companies.read",
                "crm.objects.companies.write",
                "crm.objects.deals.read",
                "crm.objects.deals.write",
                "crm.objects.owners.read",
                "crm.schemas.contacts.read",
            ],
        },
        Provider::Salesforce => Production {
            authorize_url: "https://login.salesforce.com/services/oauth2/authorize",
            token_url: "https://login.salesforce.com/services/oauth2/token",
            scopes: &["api", "refresh_token"],
        },
        Provider::Close => Production {
            authorize_url: "https://app.close.com/oauth2/authorize/",
            token_url: "https://api.close.com/oauth2/token/",
            scopes: &["all.full_access", "offline_access"],
        },
        Provider::Pipedrive => Production {
            authorize_url: "https://oauth.pipedrive.com/oauth/authorize",
            token_url: "https://oauth.pipedrive.com/oauth/token",
            // Pipedrive grants the scopes chosen when the app was registered.
            scopes: &[],
        },
    }
}

/// `CRM_BRIDGE_HUBSPOT_CLIENT_ID`, `..._CLIENT_SECRET`, and so on for each CRM.
fn env_name(provider: Provider, what: &str) -> String {
    format!(
        "CRM_BRIDGE_{}_{what}",
        provider.as_str().to_ascii_uppercase()
    )
}

/// The app to sign in to `base_url` with: the demo CRM's when `base_url` is one of the running demo's,
/// else the CRM's production app, whose client id must be configured.
pub fn oauth_app(
    provider: Provider,
    base_url: &str,
    demo: Option<&DemoCrms>,
) -> Result<OAuthClient> {
    if let Some(app) = demo.and_then(|d| crate::demo::demo_app(d, provider, base_url)) {
        return Ok(app);
    }
    let (id_var, secret_var) = (
        env_name(provider, "CLIENT_ID"),
        env_name(provider, "CLIENT_SECRET"),
    );
    let client_id = std::env::var(&id_var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Error::InvalidInput {
            field: "login",
            message: format!(
                "this copy of CRM Bridge has no {crm} app registered for browser sign-in: connect \
                 with an API key instead, or set {id_var} (and {secret_var}) to your own {crm} app's",
                crm = provider.label()
            ),
        })?;
    let (authorize_url, token_url) = sign_in_pages(provider, base_url)?;
    Ok(OAuthClient {
        authorize_url,
        token_url,
        client_id,
        client_secret: std::env::var(&secret_var).ok().filter(|v| !v.is_empty()),
        scopes: scopes(provider),
    })
}

/// The production authorize and token URLs for an account at `base_url`: fixed for every CRM but
/// Salesforce, where a sandbox signs in at test.salesforce.com and an org with My Domain at its own host.
fn sign_in_pages(provider: Provider, base_url: &str) -> Result<(String, String)> {
    if provider == Provider::Salesforce {
        let host = salesforce_login_host(base_url)?;
        return Ok((
            format!("https://{host}/services/oauth2/authorize"),
            format!("https://{host}/services/oauth2/token"),
        ));
    }
    let p = production(provider);
    Ok((p.authorize_url.into(), p.token_url.into()))
}

/// Where a Salesforce org signs in, from the address a person gave: `test.salesforce.com` for a
/// sandbox, the org's My Domain (`acme.my.salesforce.com`, `acme--uat.sandbox.my.salesforce.com`),
/// else production's `login.salesforce.com` (an instance such as `na123.salesforce.com` included).
/// Only Salesforce's own hosts are taken: the sign-in page must not be anyone else's.
pub fn salesforce_login_host(base_url: &str) -> Result<String> {
    let refused = || Error::InvalidInput {
        field: "base_url",
        message: format!(
            "`{base_url}` is not a Salesforce sign-in address: use https://login.salesforce.com, \
             https://test.salesforce.com (a sandbox) or your My Domain, \
             https://yourcompany.my.salesforce.com"
        ),
    };
    let url = url::Url::parse(base_url.trim()).map_err(|_| refused())?;
    let host = url.host_str().ok_or_else(refused)?.to_ascii_lowercase();
    if url.scheme() != "https" || !url.username().is_empty() || url.port().is_some() {
        return Err(refused());
    }
    let salesforce = ["salesforce.com", "salesforce.mil"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if !salesforce {
        return Err(refused());
    }
    Ok(match host.as_str() {
        "test.salesforce.com" => host,
        h if h.ends_with(".my.salesforce.com") || h.ends_with(".my.salesforce.mil") => host,
        _ => "login.salesforce.com".into(),
    })
}

/// The scopes CRM Bridge asks each CRM for.
pub(crate) fn scopes(provider: Provider) -> Vec<String> {
    production(provider)
        .scopes
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_salesforce_org_signs_in_at_its_sandbox_or_my_domain_host_and_nowhere_else() {
        for (given, host) in [
            ("https://login.salesforce.com", "login.salesforce.com"),
            ("https://test.salesforce.com/", "test.salesforce.com"),
            ("https://acme.my.salesforce.com", "acme.my.salesforce.com"),
            (
                "https://Acme--UAT.sandbox.my.salesforce.com",
                "acme--uat.sandbox.my.salesforce.com",
            ),
            ("https://na123.salesforce.com", "login.salesforce.com"),
        ] {
            assert_eq!(salesforce_login_host(given).unwrap(), host, "{given}");
        }
        for hostile in [
            "https://evil.example",
            "https://salesforce.com.evil.example",
            "https://evilsalesforce.com",
            "http://test.salesforce.com",
            "https://me@acme.my.salesforce.com",
            "https://acme.my.salesforce.com:8443",
            "not a url",
        ] {
            let e = salesforce_login_host(hostile).unwrap_err().to_string();
            assert!(e.contains("test.salesforce.com"), "{hostile}: {e}");
        }
    }

    #[test]
    fn a_sandbox_signs_in_at_test_salesforce_com_and_the_others_at_their_fixed_pages() {
        let (authorize, token) =
            sign_in_pages(Provider::Salesforce, "https://test.salesforce.com").unwrap();
        assert_eq!(
            authorize,
            "https://test.salesforce.com/services/oauth2/authorize"
        );
        assert_eq!(token, "https://test.salesforce.com/services/oauth2/token");
        assert!(sign_in_pages(Provider::Salesforce, "https://evil.example").is_err());
        let (authorize, _) = sign_in_pages(Provider::Hubspot, "https://api.hubapi.com").unwrap();
        assert_eq!(authorize, "https://app.hubspot.com/oauth/authorize");
    }

    #[test]
    fn without_a_registered_app_the_error_says_what_to_do() {
        let e = oauth_app(Provider::Close, "https://api.close.com/api/v1", None).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("connect with an API key"), "{text}");
        assert!(text.contains("CRM_BRIDGE_CLOSE_CLIENT_ID"), "{text}");
    }

    #[cfg(feature = "demo")]
    #[tokio::test]
    async fn the_demo_crms_sign_in_with_their_own_app() {
        let demo = bridge_fakecrm::start(bridge_fakecrm::Config {
            records: 1,
            ..Default::default()
        })
        .await
        .unwrap();
        let d = &demo.description;
        let app = oauth_app(Provider::Pipedrive, &d.pipedrive.base_url, Some(&demo)).unwrap();
        assert_eq!(app.client_id, d.pipedrive.client_id);
        assert_eq!(app.token_url, d.pipedrive.token_url);
        // Salesforce is reached at its login host or its instance.
        let sf = oauth_app(
            Provider::Salesforce,
            &d.salesforce.instance_url,
            Some(&demo),
        )
        .unwrap();
        assert_eq!(sf.authorize_url, d.salesforce.authorize_url);
        // Another CRM's demo address is not this CRM's demo.
        assert!(oauth_app(Provider::Hubspot, &d.close.base_url, Some(&demo)).is_err());
    }
}
