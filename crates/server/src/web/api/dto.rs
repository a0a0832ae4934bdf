//! Wire types of the JSON API, as the RealWorld spec names them (camelCase), kept apart from
//! the modules' port types: the handlers translate between the two.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A timestamp as the API writes it: RFC 3339, UTC, with milliseconds
/// (`2026-11-25T10:00:00.000Z`).
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write;
    // Written by hand (chrono's formatter interprets a format per call: a few per cent of an
    // article list's time); chrono's own output for years it writes differently.
    if !(0..=9999).contains(&at.year()) {
        return at.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    // A leap second reads as second 59 plus more than 1,000 ms; chrono writes it as `60`.
    let (second, millis) = match at.timestamp_subsec_millis() {
        ms @ 0..=999 => (at.second(), ms),
        ms => (at.second() + 1, ms - 1000),
    };
    let mut text = String::with_capacity(24);
    let _ = write!(
        text,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        second,
        millis
    );
    text
}

/// The signed-in user, with their API token.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct User {
    /// Email address (lower case).
    pub(crate) email: String,
    /// API token for `Authorization: Token <token>`.
    pub(crate) token: String,
    /// Username.
    pub(crate) username: String,
    /// Bio in Markdown (empty when none).
    pub(crate) bio: String,
    /// Picture URL (empty when none).
    pub(crate) image: String,
}

/// A public profile as seen by the asker.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Profile {
    /// Username.
    pub(crate) username: String,
    /// Bio in Markdown (empty when none).
    pub(crate) bio: String,
    /// Picture URL (empty when none).
    pub(crate) image: String,
    /// Whether the asker follows this profile (false when signed out).
    pub(crate) following: bool,
}

/// An article in full.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Article {
    /// Address segment (`/api/articles/{slug}`, `/posts/{slug}` on the site).
    pub(crate) slug: String,
    /// Title.
    pub(crate) title: String,
    /// Short description.
    pub(crate) description: String,
    /// Body in Markdown.
    pub(crate) body: String,
    /// Tags, normalised and sorted.
    pub(crate) tag_list: Vec<String>,
    /// When it was published.
    #[schema(format = DateTime, example = "2026-11-25T10:00:00.000Z")]
    pub(crate) created_at: String,
    /// Its last change.
    #[schema(format = DateTime, example = "2026-11-25T10:00:00.000Z")]
    pub(crate) updated_at: String,
    /// Whether the asker marked it favorite (false when signed out).
    pub(crate) favorited: bool,
    /// Readers who marked it favorite.
    pub(crate) favorites_count: u64,
    /// Its author.
    pub(crate) author: Profile,
}

/// An article as lists show it: everything but the body.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArticlePreview {
    /// Address segment.
    pub(crate) slug: String,
    /// Title.
    pub(crate) title: String,
    /// Short description.
    pub(crate) description: String,
    /// Tags, normalised and sorted.
    pub(crate) tag_list: Vec<String>,
    /// When it was published.
    #[schema(format = DateTime, example = "2026-11-25T10:00:00.000Z")]
    pub(crate) created_at: String,
    /// Its last change.
    #[schema(format = DateTime, example = "2026-11-25T10:00:00.000Z")]
    pub(crate) updated_at: String,
    /// Whether the asker marked it favorite (false when signed out).
    pub(crate) favorited: bool,
    /// Readers who marked it favorite.
    pub(crate) favorites_count: u64,
    /// Its author.
    pub(crate) author: Profile,
}

/// A comment on an article.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Comment {
    /// Id (for deleting it).
    pub(crate) id: i64,
    /// When it was written.
    #[schema(format = DateTime, example = "2026-11-25T10:00:00.000Z")]
    pub(crate) created_at: String,
    /// Its last change.
    #[schema(format = DateTime, example = "2026-11-25T10:00:00.000Z")]
    pub(crate) updated_at: String,
    /// Body in Markdown.
    pub(crate) body: String,
    /// Its author.
    pub(crate) author: Profile,
}

/// `{"user": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserResponse {
    /// The user.
    pub(crate) user: User,
}

/// `{"profile": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProfileResponse {
    /// The profile.
    pub(crate) profile: Profile,
}

/// `{"article": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SingleArticleResponse {
    /// The article.
    pub(crate) article: Article,
}

/// `{"articles": […], "articlesCount": n}`
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MultipleArticlesResponse {
    /// The articles asked for, newest first.
    pub(crate) articles: Vec<ArticlePreview>,
    /// Articles matching the filters in all (for paging).
    pub(crate) articles_count: u64,
}

/// `{"comment": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SingleCommentResponse {
    /// The comment.
    pub(crate) comment: Comment,
}

/// `{"comments": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MultipleCommentsResponse {
    /// The comments in reading order.
    pub(crate) comments: Vec<Comment>,
}

/// `{"tags": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TagsResponse {
    /// Tags of published articles, most used first.
    pub(crate) tags: Vec<String>,
}

/// Every error: `{"errors": {"<field or body>": ["…"]}}`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// Messages per field at fault (`body` for the request as a whole).
    pub(crate) errors: BTreeMap<String, Vec<String>>,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct LoginUser {
    /// Email address (a username works too).
    pub(crate) email: String,
    /// Password.
    #[schema(format = Password)]
    pub(crate) password: String,
}

/// `{"user": {"email", "password"}}`
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct LoginRequest {
    /// The credentials.
    pub(crate) user: LoginUser,
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewUser {
    /// 3–30 ASCII letters, digits, `_` or `-`, starting with a letter.
    pub(crate) username: String,
    /// Email address.
    pub(crate) email: String,
    /// Password.
    #[schema(format = Password)]
    pub(crate) password: String,
}

/// `{"user": {"username", "email", "password"}}`
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewUserRequest {
    /// The account.
    pub(crate) user: NewUser,
}

/// Changes to the signed-in user; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(crate) struct UpdateUser {
    /// Must be the current email: changing it needs the password (settings page).
    pub(crate) email: Option<String>,
    /// Not accepted here: changing it needs the current one (settings page).
    #[schema(format = Password)]
    pub(crate) password: Option<String>,
    /// Must be the current username: usernames cannot change.
    pub(crate) username: Option<String>,
    /// New bio in Markdown.
    pub(crate) bio: Option<String>,
    /// New picture URL (http or https; empty to remove).
    pub(crate) image: Option<String>,
}

/// `{"user": {…}}`
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct UpdateUserRequest {
    /// The changes.
    pub(crate) user: UpdateUser,
}

/// A new article: published at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewArticle {
    /// Title.
    pub(crate) title: String,
    /// Short description.
    pub(crate) description: String,
    /// Body in Markdown.
    pub(crate) body: String,
    /// Tags.
    #[serde(default)]
    pub(crate) tag_list: Option<Vec<String>>,
}

/// `{"article": {…}}`
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewArticleRequest {
    /// The article.
    pub(crate) article: NewArticle,
}

/// Changes to an article; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateArticle {
    /// New title.
    pub(crate) title: Option<String>,
    /// New description.
    pub(crate) description: Option<String>,
    /// New body in Markdown.
    pub(crate) body: Option<String>,
    /// New tags (replacing all).
    pub(crate) tag_list: Option<Vec<String>>,
}

/// `{"article": {…}}`
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct UpdateArticleRequest {
    /// The changes.
    pub(crate) article: UpdateArticle,
}

/// A new comment.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewComment {
    /// Body in Markdown.
    pub(crate) body: String,
}

/// `{"comment": {"body"}}`
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewCommentRequest {
    /// The comment.
    pub(crate) comment: NewComment,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_carry_milliseconds_and_z() {
        let at = DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(timestamp(at), "2026-11-25T10:00:00.000Z");
    }

    #[test]
    fn timestamps_match_chrono_everywhere() {
        let samples = [
            "2026-11-25T10:00:00.123456Z",
            "0001-01-01T00:00:00Z",
            "1999-12-31T23:59:59.999999999Z",
            "2024-02-29T12:34:56.007Z",
            "9999-12-31T23:59:59.5Z",
        ];
        for sample in samples {
            let at = DateTime::parse_from_rfc3339(sample)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(
                timestamp(at),
                at.to_rfc3339_opts(SecondsFormat::Millis, true),
                "{sample}"
            );
        }
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap()
            .and_utc();
        assert_eq!(
            timestamp(leap),
            leap.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
        let far = DateTime::from_timestamp(300_000_000_000, 0).unwrap();
        assert_eq!(
            timestamp(far),
            far.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
    }
}
