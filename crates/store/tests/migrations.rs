//! Both migration directories must list the same versions with the same names.

// Test helpers outside #[test] functions may unwrap and panic too: a panic is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn migration_names(dir: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn sqlite_and_postgres_migrations_have_the_same_versions_and_names() {
    let sqlite = migration_names("sqlite");
    let postgres = migration_names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    // And sqlx sees the same (version, description) pairs.
    let pairs = |m: &sqlx::migrate::Migrator| {
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect::<Vec<_>>()
    };
    let s = pairs(&wastetrail_store::migrations::SQLITE);
    assert_eq!(s.len(), sqlite.len());
    assert_eq!(s, pairs(&wastetrail_store::migrations::POSTGRES));
    for name in &sqlite {
        assert!(name.ends_with(".sql"), "{name}");
        let (version, _) = name.split_once('_').unwrap();
        assert!(version.chars().all(|c| c.is_ascii_digit()), "{name}");
    }
}
