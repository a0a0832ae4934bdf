//! What an account may do on the site.

use serde::{Deserialize, Serialize};

/// An account's role, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the site: accounts, roles, settings, and everything an editor may do.
    Admin,
    /// Writes, and may change or unpublish anyone's posts.
    Editor,
    /// Writes and publishes their own posts.
    Author,
    /// Reads, comments, follows and marks favorites.
    Reader,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Editor, Role::Author, Role::Reader];

    /// The name stored and shown: `admin`, `editor`, `author`, `reader`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
            Role::Reader => "reader",
        }
    }

    /// Parses [`Role::as_str`]'s output (exactly, lower case).
    pub fn parse(text: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether this role may write posts (admins, editors and authors).
    pub fn may_write(self) -> bool {
        matches!(self, Role::Admin | Role::Editor | Role::Author)
    }

    /// Whether this role may change anyone's posts (admins and editors).
    pub fn may_edit_any(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_rights_nest() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert!(!role.may_edit_any() || role.may_write());
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
        assert!(Role::Author.may_write() && !Role::Author.may_edit_any());
        assert!(!Role::Reader.may_write());
        assert!(Role::Editor.may_edit_any() && Role::Admin.may_edit_any());
    }
}
