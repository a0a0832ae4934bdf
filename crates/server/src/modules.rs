//! The modules linked into this server, in the order their migrations run.

use kernel::ModuleMigrations;

/// Every module's migrations, in dependency order: the kernel (outbox) first, then each
/// module after those whose ids it refers to. Reverting goes the other way.
pub const MIGRATION_ORDER: [&ModuleMigrations; 4] = [
    &kernel::MIGRATIONS,
    &profiles::MIGRATIONS,
    &posts::MIGRATIONS,
    &comments::MIGRATIONS,
];
