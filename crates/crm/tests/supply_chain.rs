//! What the build pulls in: the JWT signing runs on aws-lc-rs (which rustls uses already), so the `rsa`
//! crate and its timing side channel (RUSTSEC-2023-0071) are not in the lock file at all.

#[test]
fn the_rsa_crate_is_not_in_the_lock_file() {
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    assert!(lock.contains("name = \"jsonwebtoken\""));
    assert!(
        !lock.contains("name = \"rsa\""),
        "the rsa crate is back in Cargo.lock: keep jsonwebtoken on its aws_lc_rs backend"
    );
}
