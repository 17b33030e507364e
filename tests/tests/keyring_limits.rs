//! A sign-in longer than one keyring entry holds (Windows keeps 2,560 bytes a credential): a Salesforce
//! JWT connection's secret, with its private key, is split over entries that each fit, read back
//! whole, and removed whole. The real OS keyring.

use bridge_crm::Secret;
use bridge_engine::{ENTRY_BYTES, Keyring, SecretStore, part_name};

#[test]
fn a_secret_longer_than_one_entry_is_kept_in_parts_that_each_fit() {
    if let Err(e) = Keyring::available() {
        assert!(
            std::env::var("CRM_BRIDGE_REQUIRE_KEYRING").as_deref() != Ok("1"),
            "no keyring: {e}"
        );
        eprintln!("skipped: no keyring here; `make test` runs it in a desktop session");
        return;
    }
    let service = format!("crm-bridge-test-limits-{}", std::process::id());
    let keyring = Keyring::new(service.clone());
    let secret = Secret::JwtBearer {
        client_id: "3MVG9-connected-app".into(),
        username: "ops@acme.example".into(),
        private_key_pem: include_str!("../../crates/fakecrm/keys/salesforce-jwt-test.key").into(),
        login_url: "https://login.salesforce.com".into(),
    };
    let reference = "connection-salesforce-limits";
    keyring.save(reference, &secret).unwrap();

    // Every entry, as the OS keeps it, fits Windows' limit.
    let raw = |name: &str| keyring::Entry::new(&service, name).unwrap().get_password();
    let mut names = vec![reference.to_owned()];
    let mut n = 1;
    while raw(&part_name(reference, n)).is_ok() {
        names.push(part_name(reference, n));
        n += 1;
    }
    assert!(names.len() > 2, "the key needs several entries: {names:?}");
    for name in &names {
        let text = raw(name).unwrap();
        assert!(text.len() <= ENTRY_BYTES, "{name}: {} bytes", text.len());
        assert!(text.encode_utf16().count() * 2 <= 2_560, "{name}");
    }
    assert_eq!(keyring.load(reference).unwrap(), secret);

    keyring.delete(reference).unwrap();
    for name in &names {
        assert!(raw(name).is_err(), "{name} is left in the keyring");
    }
}
