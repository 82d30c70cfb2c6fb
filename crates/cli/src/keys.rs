//! Participant key files: Ed25519 private keys as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`,
//! the format of `openssl genpkey -algorithm ed25519`), written with permissions 0600.

use std::path::Path;

use anyhow::Context as _;
use wastetrail_ledger::statement::ParticipantSigner;

/// Reads a PKCS#8 PEM Ed25519 private key.
pub fn read_signer(path: &Path) -> anyhow::Result<ParticipantSigner> {
    let pem = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    ParticipantSigner::from_pkcs8_pem(pem.trim()).with_context(|| {
        format!(
            "{} is not an Ed25519 PKCS#8 PEM private key",
            path.display()
        )
    })
}

/// Writes `signer` as PKCS#8 PEM to a NEW file with permissions 0600 (never overwrites), and
/// syncs it to disk (`wastetrail_server::write_private_file`, the one writer of key files).
pub fn write_signer(path: &Path, signer: &ParticipantSigner) -> anyhow::Result<()> {
    let pem = signer
        .to_pkcs8_pem()
        .context("cannot encode the key as PKCS#8 PEM")?;
    wastetrail_server::write_private_file(path, pem.as_bytes()).with_context(|| {
        format!(
            "cannot create the key file {} (a key file is never overwritten)",
            path.display()
        )
    })
}

/// What `keygen` prints about a key: key ID and public key (standard base64 of the 32 bytes),
/// as a registration carries it (`wastetrail_verify::key_info`).
pub fn describe(signer: &ParticipantSigner) -> serde_json::Value {
    serde_json::to_value(wastetrail_verify::key_info(&signer.public_key())).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_key_reads_back_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k/alice.pem");
        let s = ParticipantSigner::generate();
        write_signer(&path, &s).unwrap();
        let back = read_signer(&path).unwrap();
        assert_eq!(back.key_id(), s.key_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Never overwrites.
        assert!(write_signer(&path, &ParticipantSigner::generate()).is_err());
        assert_eq!(read_signer(&path).unwrap().key_id(), s.key_id());
    }

    #[test]
    fn garbage_is_not_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.pem");
        std::fs::write(&path, "hello").unwrap();
        let e = read_signer(&path).unwrap_err();
        assert!(format!("{e:#}").contains("PKCS#8"), "{e:#}");
    }
}
