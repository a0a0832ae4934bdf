//! Checking and normalising what people submit, with messages naming the field and saying
//! what to do. Never panics, whatever the input.

use profiles_api::{NewAccount, ProfileChanges, ProfilesError};

use crate::reserved;

/// Shortest username, in characters.
pub(crate) const MIN_USERNAME: usize = 3;
/// Longest username, in characters.
pub(crate) const MAX_USERNAME: usize = 30;
/// Longest email address (RFC 5321's path limit).
pub(crate) const MAX_EMAIL: usize = 254;
/// Shortest password, in characters.
pub(crate) const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password, in bytes: generous for passphrases, small enough that hashing one is
/// never a denial of service.
pub(crate) const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest display name, in characters.
pub(crate) const MAX_DISPLAY_NAME: usize = 60;
/// Longest bio, in characters.
pub(crate) const MAX_BIO: usize = 2_000;
/// Longest avatar or website URL.
pub(crate) const MAX_URL: usize = 2_000;
/// Longest search text in the admin's account list.
pub(crate) const MAX_SEARCH: usize = 100;
/// Largest page of the admin's account list.
pub(crate) const MAX_PER_PAGE: u32 = 100;

/// An account that passed every check: username as typed, email lower-cased.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CleanAccount {
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) password: String,
}

/// Profile fields that passed every check, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CleanChanges {
    /// Empty means "the username".
    pub(crate) display_name: String,
    pub(crate) bio_markdown: String,
    pub(crate) avatar_url: Option<String>,
    pub(crate) website_url: Option<String>,
}

/// Checks a new account.
pub(crate) fn account(account: NewAccount) -> Result<CleanAccount, ProfilesError> {
    Ok(CleanAccount {
        username: username(&account.username)?,
        email: email("email", &account.email)?,
        password: password("password", account.password)?,
    })
}

/// Checks a wished username; returns it trimmed, case kept.
pub(crate) fn username(raw: &str) -> Result<String, ProfilesError> {
    let name = raw.trim();
    let invalid = |message: String| Err(ProfilesError::invalid("username", message));
    let length = name.chars().count();
    if !(MIN_USERNAME..=MAX_USERNAME).contains(&length) {
        return invalid(format!(
            "Usernames are {MIN_USERNAME} to {MAX_USERNAME} characters long."
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return invalid("Usernames start with a letter (a–z).".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return invalid(
            "Usernames use only letters a–z, digits, “_” and “-” (no spaces or accents).".into(),
        );
    }
    if reserved::is_reserved(name) {
        return invalid(format!(
            "“{name}” is reserved for the site itself; choose another username."
        ));
    }
    Ok(name.to_owned())
}

/// Checks an email address; returns it trimmed and lower-cased. `field` names it in errors.
pub(crate) fn email(field: &str, raw: &str) -> Result<String, ProfilesError> {
    let address = raw.trim().to_lowercase();
    let invalid = |message: &str| Err(ProfilesError::invalid(field, message));
    if address.is_empty() {
        return invalid("Enter your email address.");
    }
    if address.len() > MAX_EMAIL {
        return invalid("That email address is too long (at most 254 characters).");
    }
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c);
    let Some((local, domain)) = address.split_once('@') else {
        return invalid("Enter an email address like name@example.org.");
    };
    let well_formed = !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && !address.contains(forbidden)
        && domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..");
    if well_formed {
        Ok(address)
    } else {
        invalid("Enter an email address like name@example.org.")
    }
}

/// Checks a new password; `field` names it in errors. Returned as given: passwords are
/// never trimmed.
pub(crate) fn password(field: &str, password: String) -> Result<String, ProfilesError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ProfilesError::invalid(
            field,
            format!("Passwords can be at most {MAX_PASSWORD_BYTES} bytes long."),
        ));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ProfilesError::invalid(
            field,
            format!(
                "Use at least {MIN_PASSWORD_CHARS} characters; a few unrelated words make a \
                 good password."
            ),
        ));
    }
    if password.trim().is_empty() {
        return Err(ProfilesError::invalid(
            field,
            "A password cannot be only spaces.",
        ));
    }
    Ok(password)
}

/// Bidirectional-text controls: invisible, and able to make a name read as another.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Checks the fields of a profile edit.
pub(crate) fn changes(changes: ProfileChanges) -> Result<CleanChanges, ProfilesError> {
    let display_name = changes.display_name.trim().to_owned();
    if display_name.chars().count() > MAX_DISPLAY_NAME {
        return Err(ProfilesError::invalid(
            "display_name",
            format!("Display names can be at most {MAX_DISPLAY_NAME} characters."),
        ));
    }
    if display_name
        .chars()
        .any(|c| c.is_control() || is_bidi_control(c))
    {
        return Err(ProfilesError::invalid(
            "display_name",
            "Display names are one line of text, without control characters.",
        ));
    }
    let bio_markdown = changes.bio_markdown.replace("\r\n", "\n");
    let bio_markdown = bio_markdown.trim_end().to_owned();
    if bio_markdown.chars().count() > MAX_BIO {
        return Err(ProfilesError::invalid(
            "bio",
            format!("Bios can be at most {MAX_BIO} characters."),
        ));
    }
    if bio_markdown
        .chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || is_bidi_control(c))
    {
        return Err(ProfilesError::invalid(
            "bio",
            "The bio contains control characters; remove them and save again.",
        ));
    }
    Ok(CleanChanges {
        display_name,
        bio_markdown,
        avatar_url: avatar(changes.avatar_url)?,
        website_url: url("website_url", "The website", changes.website_url)?,
    })
}

/// Checks an optional http(s) URL; empty means none.
/// Where the server stores uploaded avatars: such paths are accepted as they are.
pub(crate) const UPLOADED_AVATARS: &str = "/uploads/avatars/";

/// An avatar: an http(s) URL, or the path of an image uploaded to this site
/// (`/uploads/avatars/` and a file name of lower-case letters, digits, `-` and `.`).
fn avatar(value: Option<String>) -> Result<Option<String>, ProfilesError> {
    if let Some(name) = value
        .as_deref()
        .map(str::trim)
        .and_then(|v| v.strip_prefix(UPLOADED_AVATARS))
    {
        let valid = !name.is_empty()
            && name.len() <= 80
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        return if valid {
            Ok(Some(format!("{UPLOADED_AVATARS}{name}")))
        } else {
            Err(ProfilesError::invalid(
                "avatar_url",
                "That uploaded picture does not exist.",
            ))
        };
    }
    url("avatar_url", "The picture", value)
}

fn url(field: &str, what: &str, url: Option<String>) -> Result<Option<String>, ProfilesError> {
    let Some(url) = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    if url.len() > MAX_URL {
        return Err(ProfilesError::invalid(
            field,
            format!("{what} address can be at most {MAX_URL} characters."),
        ));
    }
    let scheme_len = if url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        8
    } else if url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        7
    } else {
        0
    };
    let host_present = scheme_len > 0
        && url
            .get(scheme_len..)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    let clean = !url.contains(|c: char| {
        c.is_whitespace() || c.is_control() || is_bidi_control(c) || "\"'<>`\\".contains(c)
    });
    if host_present && clean {
        Ok(Some(url))
    } else {
        Err(ProfilesError::invalid(
            field,
            format!(
                "{what} must be a web address starting with http:// or https://, without \
                 spaces, quotes or angle brackets."
            ),
        ))
    }
}

/// Checks the admin list's search text and paging; returns the search lower-cased and the
/// offset.
pub(crate) fn listing(
    search: &str,
    page: u32,
    per_page: u32,
) -> Result<(String, i64), ProfilesError> {
    let search = search.trim().to_lowercase();
    if search.chars().count() > MAX_SEARCH || search.contains(char::is_control) {
        return Err(ProfilesError::invalid(
            "search",
            format!("Search for at most {MAX_SEARCH} characters of a username or email."),
        ));
    }
    if page == 0 {
        return Err(ProfilesError::invalid("page", "Pages are numbered from 1."));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ProfilesError::invalid(
            "per_page",
            format!("A page holds between 1 and {MAX_PER_PAGE} accounts."),
        ));
    }
    let offset = i64::from(page - 1) * i64::from(per_page);
    Ok((search, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_values_and_normalises_them() {
        assert_eq!(
            username("  Ada_Lovelace-1815 ").unwrap(),
            "Ada_Lovelace-1815"
        );
        assert_eq!(
            email("email", " Ada.Lovelace+blog@Example.CO.uk ").unwrap(),
            "ada.lovelace+blog@example.co.uk"
        );
        assert_eq!(
            email("email", "zoë@exämple.org").unwrap(),
            "zoë@exämple.org"
        );
        assert_eq!(
            password("password", " leading and trailing ".into()).unwrap(),
            " leading and trailing ",
            "passwords are kept exactly"
        );
        let clean = changes(ProfileChanges {
            display_name: " Ada ".into(),
            bio_markdown: "line\r\nnext\n\n".into(),
            avatar_url: Some("  ".into()),
            website_url: Some("https://ada.example.org/?q=1&x=2#top".into()),
        })
        .unwrap();
        assert_eq!(clean.display_name, "Ada");
        assert_eq!(clean.bio_markdown, "line\nnext");
        assert_eq!(clean.avatar_url, None);
        assert!(clean.website_url.is_some());
    }

    #[test]
    fn listing_checks_paging_without_overflow() {
        assert_eq!(listing(" Ab ", 1, 20).unwrap(), ("ab".to_owned(), 0));
        assert_eq!(listing("", 3, 100).unwrap().1, 200);
        assert_eq!(
            listing("", u32::MAX, MAX_PER_PAGE).unwrap().1,
            i64::from(u32::MAX - 1) * 100
        );
        assert!(listing("a\u{0}", 1, 1).is_err());
    }

    #[test]
    fn avatars_are_web_addresses_or_uploaded_pictures() {
        let ok = |v: &str| avatar(Some(v.to_owned())).unwrap();
        assert_eq!(
            ok("https://img.example/a.png").as_deref(),
            Some("https://img.example/a.png")
        );
        assert_eq!(
            ok("/uploads/avatars/7-0123456789abcdef.png").as_deref(),
            Some("/uploads/avatars/7-0123456789abcdef.png")
        );
        for bad in [
            "/uploads/avatars/../secret",
            "/uploads/avatars/",
            "/uploads/avatars/A.PNG",
            "/etc/passwd",
            "javascript:x",
        ] {
            assert!(avatar(Some(bad.to_owned())).is_err(), "{bad}");
        }
    }
}
