//! Usernames nobody may take: they would clash with the site's own addresses
//! (`/authors/{username}` sits beside them in links and feeds), or people would take an
//! account with that name for the site itself speaking.

/// The reserved names, lower case.
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "about", "account", "accounts", "admin", "administrator", "admins", "anonymous", "api",
    "archive", "assets", "auth", "author", "authors", "blog", "comments", "contact",
    "dashboard", "delete", "docs", "drafts", "edit", "editor", "editors", "favicon", "feed",
    "feeds", "healthz", "help", "home", "index", "info", "login", "logout", "mail", "metrics",
    "moderation", "moderator", "moderators", "new", "news", "nobody", "null", "owner", "page",
    "pages", "password", "postmaster", "posts", "preview", "privacy", "profile", "profiles",
    "quire", "readyz", "register", "revisions", "robots", "root", "rss", "search", "security",
    "settings", "signin", "signout", "signup", "sitemap", "staff", "static", "support",
    "system", "tags", "terms", "undefined", "user", "users", "webmaster", "write", "www",
];

/// Whether `username` is reserved, whatever its case.
pub(crate) fn is_reserved(username: &str) -> bool {
    RESERVED.contains(&username.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_in_any_case() {
        for name in ["admin", "ADMIN", "Quire", "www", "signup", "settings"] {
            assert!(is_reserved(name), "{name}");
        }
        assert!(!is_reserved("admiral"));
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]), "kept sorted");
    }
}
