//! PKCS#8 PEM private keys as written by `openssl genpkey -algorithm ed25519`: the ledger
//! must read them to the same key that OpenSSL reports (tests/fixtures/README.md).

// Test code: a panic is a failing test (clippy.toml allows this in #[test] fns; the
// helpers here are test code too).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use wastetrail_ledger::cosignature::CosignatureSigner;
use wastetrail_ledger::note::{NoteSigner, NoteVerifier, SIG_TYPE_ED25519};
use wastetrail_ledger::statement::{ParticipantKeyId, ParticipantSigner};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn hex32(name: &str) -> [u8; 32] {
    hex::decode(fixture(name).trim())
        .unwrap()
        .try_into()
        .unwrap()
}

#[test]
fn openssl_pem_reads_to_the_openssl_key() {
    let pem = fixture("ed25519-openssl.pem");
    let public = hex32("ed25519-openssl.pub.hex");
    let seed = hex32("ed25519-openssl.seed.hex");

    let signer = NoteSigner::from_pkcs8_pem("wastetrail.example/log", &pem).unwrap();
    assert_eq!(signer.public_key(), public);
    let from_seed = NoteSigner::from_seed("wastetrail.example/log", &seed).unwrap();
    assert_eq!(signer.to_skey(), from_seed.to_skey());
    let vkey = NoteVerifier::new("wastetrail.example/log", SIG_TYPE_ED25519, &public).unwrap();
    assert_eq!(signer.verifier(), vkey);
    // And back: the PEM we write is OpenSSL's PEM, byte for byte.
    assert_eq!(signer.to_pkcs8_pem().unwrap(), pem);

    let p = ParticipantSigner::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(p.public_key().to_bytes(), public);
    assert_eq!(p.seed(), seed);
    assert_eq!(p.key_id(), ParticipantKeyId::of(&public));

    let w = CosignatureSigner::from_pkcs8_pem("witness.example/w1", &pem).unwrap();
    assert_eq!(w.verifier().public_key(), public);
}

#[test]
fn bad_pem_is_a_typed_error() {
    for bad in [
        "",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        // An RSA-style PUBLIC KEY label.
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAMoWyCd1YL4ZPSLHaG0JDh/tcHBVLRe81xjAtYpujN5E=\n-----END PUBLIC KEY-----\n",
    ] {
        assert!(NoteSigner::from_pkcs8_pem("x", bad).is_err());
        assert!(ParticipantSigner::from_pkcs8_pem(bad).is_err());
    }
    let pem = fixture("ed25519-openssl.pem");
    assert!(NoteSigner::from_pkcs8_pem("bad name", &pem).is_err());
}

/// If `openssl` is on the machine, a freshly generated key is read correctly too.
#[test]
fn fresh_openssl_key_if_available() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    let Ok(status) = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&key)
        .status()
    else {
        println!("openssl not available: only the stored fixture was checked");
        return;
    };
    assert!(status.success());
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success());
    let der = out.stdout;
    let public: [u8; 32] = der[der.len() - 32..].try_into().unwrap();
    let pem = std::fs::read_to_string(&key).unwrap();
    let signer = NoteSigner::from_pkcs8_pem("k", &pem).unwrap();
    assert_eq!(signer.public_key(), public);
    // OpenSSL reads the PEM we write to the same public key.
    let ours = dir.path().join("ours.pem");
    std::fs::write(&ours, signer.to_pkcs8_pem().unwrap()).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&ours)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(&out.stdout[out.stdout.len() - 32..], &public[..]);
}
