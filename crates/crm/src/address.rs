//! Where a connection's credentials may go: its own address over `https` (plain `http` only to a loopback
//! address, where the emulator runs), and an address the CRM hands back at sign-in (Salesforce's
//! `instance_url`, Pipedrive's `api_domain`) only on that CRM's own hosts or the host the person entered.

use bridge_model::Provider;
use url::{Host, Url};

use crate::{CrmError, Result};

/// Hosts a CRM may hand back as the place to call, with their subdomains.
fn own_hosts(provider: Provider) -> &'static [&'static str] {
    match provider {
        // My Domain (`acme.my.salesforce.com`), sandboxes (`acme--dev.sandbox.my.salesforce.com`),
        // Visualforce and Experience Cloud hosts, and the government cloud.
        Provider::Salesforce => &[
            "salesforce.com",
            "force.com",
            "cloudforce.com",
            "salesforce.mil",
        ],
        Provider::Pipedrive => &["pipedrive.com"],
        Provider::Hubspot => &["hubapi.com", "hubspot.com"],
        Provider::Close => &["close.com"],
    }
}

/// Whether `url` names this machine: `localhost`, 127.0.0.0/8 or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether two addresses share scheme, host and port: the only place a request may carry the
/// connection's credentials.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A connection's address: a URL over `https`, or `http` to loopback only.
pub fn check_base(text: &str) -> Result<Url> {
    let url =
        Url::parse(text).map_err(|e| CrmError::Config(format!("`{text}` is not a URL: {e}")))?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(CrmError::Config(format!(
            "`{text}` is plain http: a CRM is reached over https (http only on this machine, for the demo)"
        ))),
        _ => Err(CrmError::Config(format!(
            "`{text}` is not an https address"
        ))),
    }
}

/// The address a CRM handed back at sign-in (`what`: `instance_url`, `api_domain`), checked: over https on
/// one of the CRM's own hosts, or the host the person entered (a loopback one for the demo).
pub fn check_returned(
    provider: Provider,
    what: &str,
    returned: &str,
    entered: &str,
) -> Result<Url> {
    let url = check_base(returned)
        .map_err(|e| CrmError::Config(format!("{provider}'s {what} was refused: {e}")))?;
    let entered = Url::parse(entered).ok();
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let own = own_hosts(provider)
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")));
    let as_entered = entered
        .as_ref()
        .is_some_and(|e| e.host_str().is_some_and(|h| h.eq_ignore_ascii_case(&host)));
    if (own && url.scheme() == "https") || as_entered {
        return Ok(url);
    }
    Err(CrmError::Config(format!(
        "{provider}'s {what} `{returned}` is not one of its hosts: its sign-in answer was refused"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_is_reached_over_https_and_http_only_on_loopback() {
        assert!(check_base("https://api.hubapi.com").is_ok());
        assert!(check_base("http://127.0.0.1:4000/hubspot").is_ok());
        assert!(check_base("http://[::1]:4000/close/api/v1").is_ok());
        assert!(check_base("http://localhost:4000").is_ok());
        for bad in [
            "http://api.hubapi.com",
            "http://10.0.0.5/api",
            "ftp://api.hubapi.com",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(check_base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_address_handed_back_must_be_the_crms_own_or_the_one_entered() {
        let sf = Provider::Salesforce;
        let entered = "https://login.salesforce.com";
        assert!(
            check_returned(
                sf,
                "instance_url",
                "https://acme.my.salesforce.com",
                entered
            )
            .is_ok()
        );
        assert!(
            check_returned(
                sf,
                "instance_url",
                "https://acme--dev.sandbox.my.salesforce.com",
                entered
            )
            .is_ok()
        );
        for hostile in [
            "https://evil.example",
            "https://salesforce.com.evil.example",
            "https://evilsalesforce.com",
            "http://acme.my.salesforce.com",
        ] {
            assert!(
                check_returned(sf, "instance_url", hostile, entered).is_err(),
                "{hostile}"
            );
        }
        let pd = Provider::Pipedrive;
        assert!(
            check_returned(
                pd,
                "api_domain",
                "https://acme.pipedrive.com",
                "https://api.pipedrive.com"
            )
            .is_ok()
        );
        assert!(
            check_returned(
                pd,
                "api_domain",
                "https://acme.pipedrive.evil",
                "https://api.pipedrive.com"
            )
            .is_err()
        );
        // The demo: the emulator hands back its own loopback address.
        let demo = "http://127.0.0.1:4000/salesforce/login";
        assert!(
            check_returned(
                sf,
                "instance_url",
                "http://127.0.0.1:4000/salesforce/instance",
                demo
            )
            .is_ok()
        );
        assert!(check_returned(sf, "instance_url", "http://127.0.0.2:4000/x", demo).is_err());
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let base = Url::parse("https://acme.my.salesforce.com/services/data").unwrap();
        let same =
            Url::parse("https://ACME.my.salesforce.com:443/services/data/v60.0/query/01g-2000")
                .unwrap();
        assert!(same_origin(&base, &same));
        for other in [
            "https://acme.my.salesforce.com@evil.example/x",
            "https://evil.example/services/data",
            "http://acme.my.salesforce.com/services/data",
            "https://acme.my.salesforce.com:8443/services/data",
        ] {
            assert!(!same_origin(&base, &Url::parse(other).unwrap()), "{other}");
        }
    }
}
