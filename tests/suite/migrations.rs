//! Every module's migrations: up, down and up again on both backends; each module alone; and
//! the layout rules of `migrations/`.

use std::collections::BTreeSet;
use std::path::Path;

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;
use kernel::testing::TestDatabase;
use kernel::{Backend, DbConnection};
use server::modules::MIGRATION_ORDER;

use crate::on_both_backends;

/// The first real table of each module.
const TABLES: [(&str, &str); 5] = [
    ("kernel", "outbox_events"),
    ("kernel", "site_settings"),
    ("profiles", "users"),
    ("posts", "posts"),
    ("comments", "comments"),
];

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn table_exists(conn: &mut DbConnection, table: &str) -> bool {
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<Count>(conn)
        .map(|c| c.n >= 0)
        .is_ok()
}

async fn up_down_up(backend: Backend) {
    let db = TestDatabase::create(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let conn: &mut DbConnection = &mut conn;

    let all: usize = MIGRATION_ORDER
        .iter()
        .map(|m| m.versions().unwrap().0.len())
        .sum();
    let applied = kernel::migrations::run_all(conn, &MIGRATION_ORDER).unwrap();
    assert_eq!(applied.len(), all, "{applied:?}");
    for (_, table) in TABLES {
        assert!(table_exists(conn, table), "{table} after up");
    }
    assert!(
        kernel::migrations::pending_all(conn, &MIGRATION_ORDER)
            .unwrap()
            .is_empty()
    );
    // Running again applies nothing.
    assert!(
        kernel::migrations::run_all(conn, &MIGRATION_ORDER)
            .unwrap()
            .is_empty()
    );

    let reverted = kernel::migrations::revert_all_modules(conn, &MIGRATION_ORDER).unwrap();
    assert_eq!(reverted.len(), all, "{reverted:?}");
    assert!(
        reverted[0].contains("comment_moderation"),
        "reverse order: {reverted:?}"
    );
    for (_, table) in TABLES {
        assert!(!table_exists(conn, table), "{table} after down");
    }
    assert_eq!(
        kernel::migrations::pending_all(conn, &MIGRATION_ORDER)
            .unwrap()
            .len(),
        all
    );

    kernel::migrations::run_all(conn, &MIGRATION_ORDER).unwrap();
    for (_, table) in TABLES {
        assert!(table_exists(conn, table), "{table} after up again");
    }
}

async fn each_module_migrates_alone(backend: Backend) {
    for module in MIGRATION_ORDER {
        let db = TestDatabase::create(backend);
        let pool = db.pool();
        let mut conn = pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let own_table = TABLES.iter().find(|(m, _)| *m == module.module).unwrap().1;
        assert!(
            !module.run_pending(conn).unwrap().is_empty(),
            "{}",
            module.module
        );
        assert!(table_exists(conn, own_table));
        for (other, table) in TABLES {
            if other != module.module {
                assert!(
                    !table_exists(conn, table),
                    "{} created {table}",
                    module.module
                );
            }
        }
        assert!(!module.revert_all(conn).unwrap().is_empty());
        assert!(!table_exists(conn, own_table));
    }
}

on_both_backends!(up_down_up, each_module_migrates_alone);

fn directory_names(path: &Path) -> BTreeSet<String> {
    std::fs::read_dir(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn migrations_follow_the_layout_and_never_share_versions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let modules: BTreeSet<String> = MIGRATION_ORDER
        .iter()
        .map(|m| m.module.to_owned())
        .collect();
    assert_eq!(
        directory_names(&root),
        modules,
        "one folder per module in migrations/"
    );

    let mut seen = BTreeSet::new();
    for module in MIGRATION_ORDER {
        let dir = root.join(module.module);
        assert_eq!(
            directory_names(&dir),
            BTreeSet::from(["postgres".to_owned(), "sqlite".to_owned()]),
            "{}",
            dir.display()
        );
        let (sqlite, postgres) = module.versions().unwrap();
        assert_eq!(
            sqlite, postgres,
            "{}: same versions on both backends",
            module.module
        );
        for version in sqlite {
            assert!(seen.insert(version.clone()), "version {version} used twice");
        }
        for backend in ["sqlite", "postgres"] {
            for migration in directory_names(&dir.join(backend)) {
                for file in ["up.sql", "down.sql"] {
                    assert!(
                        dir.join(backend).join(&migration).join(file).is_file(),
                        "{}/{backend}/{migration}/{file} missing",
                        module.module
                    );
                }
            }
        }
    }
}
