//! The module's migrations run, revert and run again on their own.

use kernel::Backend;
use kernel::testing::TestDatabase;

async fn migrations_go_up_down_and_up_again(backend: Backend) {
    let db = TestDatabase::create(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let applied = crate::MIGRATIONS.run_pending(&mut conn).unwrap();
    assert_eq!(applied.len(), 2, "{applied:?}");
    assert!(crate::MIGRATIONS.pending(&mut conn).unwrap().is_empty());
    let reverted = crate::MIGRATIONS.revert_all(&mut conn).unwrap();
    assert_eq!(reverted.len(), 2);
    assert!(reverted[0].contains("comment_moderation"), "{reverted:?}");
    assert_eq!(crate::MIGRATIONS.run_pending(&mut conn).unwrap().len(), 2);
    let (sqlite, postgres) = crate::MIGRATIONS.versions().unwrap();
    assert_eq!(sqlite, postgres);
}

on_both_backends!(migrations_go_up_down_and_up_again);
