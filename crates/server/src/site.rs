//! Site settings as the server understands them: typed, validated, with defaults from the
//! configuration, kept in memory and saved through `kernel::settings`.
//!
//! Values saved by an administrator win over the configuration's (the configuration gives
//! the starting values of a fresh site). This instance updates its copy when it saves;
//! other instances sharing a PostgreSQL database see a change after their next restart —
//! following `SiteSettingsChanged` through the outbox per instance comes with the page
//! cache work.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use profiles_api::{Role, SignupPolicy};
use serde::Serialize;

/// How new comments are treated (used by the comments module).
pub const MODERATION_MODES: [&str; 3] = ["open", "first-time", "all"];

/// The settings an administrator can change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteSettings {
    /// Shown in the header, titles and feeds.
    pub title: String,
    /// A sentence about the site, for the home page and feeds.
    pub description: String,
    /// Public URL for absolute links, without trailing slash.
    pub base_url: String,
    /// Whether anyone may create an account.
    pub open_signup: bool,
    /// The role new accounts get (reader or author).
    pub default_role: Role,
    /// Comment moderation: `open`, `first-time` or `all`.
    pub moderation: String,
}

/// A setting that cannot be saved, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SettingsError {
    /// Which field.
    pub field: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> SettingsError {
    SettingsError {
        field,
        message: message.into(),
    }
}

impl SiteSettings {
    /// Settings of a fresh site: the configured title and base URL, open sign-up as readers,
    /// comments visible at once.
    pub fn defaults(title: &str, base_url: &str) -> Self {
        Self {
            title: title.to_owned(),
            description: String::new(),
            base_url: base_url.to_owned(),
            open_signup: true,
            default_role: Role::Reader,
            moderation: "open".to_owned(),
        }
    }

    /// `defaults` overlaid with what was stored (unknown or broken values are ignored).
    pub fn from_stored(defaults: Self, stored: &BTreeMap<String, String>) -> Self {
        let mut settings = defaults;
        if let Some(title) = stored.get("title").filter(|t| !t.trim().is_empty()) {
            settings.title = title.clone();
        }
        if let Some(description) = stored.get("description") {
            settings.description = description.clone();
        }
        if let Some(url) = stored.get("base_url").filter(|u| !u.is_empty()) {
            settings.base_url = url.clone();
        }
        if let Some(open) = stored.get("open_signup") {
            settings.open_signup = open == "true";
        }
        if let Some(role) = stored.get("default_role").and_then(|r| Role::parse(r)) {
            settings.default_role = role;
        }
        if let Some(mode) = stored
            .get("moderation")
            .filter(|m| MODERATION_MODES.contains(&m.as_str()))
        {
            settings.moderation = mode.clone();
        }
        settings
    }

    /// Checks values typed in the settings form.
    pub fn validated(
        title: &str,
        description: &str,
        base_url: &str,
        open_signup: bool,
        default_role: &str,
        moderation: &str,
    ) -> Result<Self, SettingsError> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            return Err(invalid("title", "The title needs 1 to 100 characters."));
        }
        if title.chars().any(char::is_control) {
            return Err(invalid("title", "The title is one line of text."));
        }
        let description = description.trim();
        if description.chars().count() > 300 || description.chars().any(char::is_control) {
            return Err(invalid(
                "description",
                "The description is one line of at most 300 characters.",
            ));
        }
        let base_url = base_url.trim().trim_end_matches('/');
        let host = base_url
            .strip_prefix("https://")
            .or_else(|| base_url.strip_prefix("http://"));
        if !host.is_some_and(|h| {
            !h.is_empty() && !h.contains(|c: char| c.is_whitespace() || "\"'<>".contains(c))
        }) {
            return Err(invalid(
                "base_url",
                "The public address must start with http:// or https://, e.g. https://blog.example.org.",
            ));
        }
        let default_role = match Role::parse(default_role) {
            Some(role @ (Role::Reader | Role::Author)) => role,
            _ => {
                return Err(invalid(
                    "default_role",
                    "New accounts start as readers or authors.",
                ));
            }
        };
        if !MODERATION_MODES.contains(&moderation) {
            return Err(invalid("moderation", "Choose open, first-time or all."));
        }
        Ok(Self {
            title: title.to_owned(),
            description: description.to_owned(),
            base_url: base_url.to_owned(),
            open_signup,
            default_role,
            moderation: moderation.to_owned(),
        })
    }

    /// The values as stored.
    pub fn to_stored(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("title".to_owned(), self.title.clone()),
            ("description".to_owned(), self.description.clone()),
            ("base_url".to_owned(), self.base_url.clone()),
            ("open_signup".to_owned(), self.open_signup.to_string()),
            (
                "default_role".to_owned(),
                self.default_role.as_str().to_owned(),
            ),
            ("moderation".to_owned(), self.moderation.clone()),
        ])
    }

    /// Who may sign up, for the profiles module.
    pub fn signup_policy(&self) -> SignupPolicy {
        SignupPolicy {
            open: self.open_signup,
            default_role: self.default_role,
        }
    }
}

/// The current settings, shared by every request of this instance.
#[derive(Debug, Clone)]
pub struct Site(Arc<RwLock<Arc<SiteSettings>>>);

impl Site {
    /// Holds `settings`.
    pub fn new(settings: SiteSettings) -> Self {
        Self(Arc::new(RwLock::new(Arc::new(settings))))
    }

    /// The settings now (cheap: one reference count).
    pub fn current(&self) -> Arc<SiteSettings> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the settings.
    pub fn replace(&self, settings: SiteSettings) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(settings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_override_defaults_and_bad_ones_are_ignored() {
        let defaults = SiteSettings::defaults("Quire", "http://127.0.0.1:8080");
        let stored = BTreeMap::from([
            ("title".to_owned(), "Field Notes".to_owned()),
            ("default_role".to_owned(), "emperor".to_owned()),
            ("moderation".to_owned(), "all".to_owned()),
            ("open_signup".to_owned(), "false".to_owned()),
        ]);
        let settings = SiteSettings::from_stored(defaults.clone(), &stored);
        assert_eq!(settings.title, "Field Notes");
        assert_eq!(settings.default_role, Role::Reader);
        assert_eq!(settings.moderation, "all");
        assert!(!settings.open_signup);
        assert_eq!(settings.base_url, defaults.base_url);
        let round_trip = SiteSettings::from_stored(defaults, &settings.to_stored());
        assert_eq!(round_trip, settings);
    }

    #[test]
    fn form_values_are_checked() {
        let ok =
            SiteSettings::validated("T", "", "https://b.example/", true, "author", "first-time")
                .unwrap();
        assert_eq!(ok.base_url, "https://b.example");
        for (title, url, role, mode, field) in [
            ("", "https://b", "reader", "open", "title"),
            ("T", "b.example", "reader", "open", "base_url"),
            ("T", "javascript:x", "reader", "open", "base_url"),
            ("T", "https://b", "admin", "open", "default_role"),
            ("T", "https://b", "reader", "never", "moderation"),
        ] {
            let error = SiteSettings::validated(title, "", url, true, role, mode).unwrap_err();
            assert_eq!(error.field, field);
        }
    }
}
