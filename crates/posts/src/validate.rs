//! Checking and normalising what an author submits, with messages a person can act on.

use kernel::slug::slugify;
use posts_api::{PostDraft, PostsError};

/// Longest title, in characters.
pub(crate) const MAX_TITLE: usize = 200;
/// Longest description, in characters.
pub(crate) const MAX_DESCRIPTION: usize = 500;
/// Largest body, in bytes (about 30,000 words).
pub(crate) const MAX_BODY_BYTES: usize = 200_000;
/// Most tags on one post.
pub(crate) const MAX_TAGS: usize = 10;
/// Longest tag, in characters.
pub(crate) const MAX_TAG: usize = 40;
/// Longest cover image URL.
pub(crate) const MAX_URL: usize = 2_000;

/// A draft that passed every check, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CleanDraft {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) body_markdown: String,
    pub(crate) tags: Vec<String>,
    pub(crate) cover_image_url: Option<String>,
    /// A slug the author chose, already slugified.
    pub(crate) slug: Option<String>,
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// Checks `draft` and returns it normalised, or the first problem found.
pub(crate) fn clean(draft: PostDraft) -> Result<CleanDraft, PostsError> {
    let title = draft.title.trim().to_owned();
    if title.is_empty() {
        return Err(PostsError::invalid("title", "Give the post a title."));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(PostsError::invalid(
            "title",
            format!("Titles can be at most {MAX_TITLE} characters."),
        ));
    }
    if has_control(&title) {
        return Err(PostsError::invalid(
            "title",
            "Titles are one line of text, without control characters.",
        ));
    }
    let description = draft.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(PostsError::invalid(
            "description",
            format!("Descriptions can be at most {MAX_DESCRIPTION} characters."),
        ));
    }
    if description
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(PostsError::invalid(
            "description",
            "Descriptions cannot contain control characters.",
        ));
    }
    let body_markdown = draft.body_markdown.replace("\r\n", "\n");
    if body_markdown.len() > MAX_BODY_BYTES {
        return Err(PostsError::invalid(
            "body",
            format!(
                "The body is too long: at most {} KB of text.",
                MAX_BODY_BYTES / 1000
            ),
        ));
    }
    if body_markdown
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(PostsError::invalid(
            "body",
            "The body contains control characters; remove them and save again.",
        ));
    }
    Ok(CleanDraft {
        title,
        description,
        body_markdown,
        tags: clean_tags(&draft.tags)?,
        cover_image_url: clean_url(draft.cover_image_url)?,
        slug: clean_slug(draft.slug)?,
    })
}

pub(crate) use posts_api::normalise_tag;

fn clean_tags(tags: &[String]) -> Result<Vec<String>, PostsError> {
    let mut clean: Vec<String> = Vec::new();
    for raw in tags {
        let Some(tag) = normalise_tag(raw) else {
            continue;
        };
        if tag.chars().count() > MAX_TAG {
            return Err(PostsError::invalid(
                "tags",
                format!("Tags can be at most {MAX_TAG} characters: “{tag}” is longer."),
            ));
        }
        if has_control(&tag) || tag.contains(['/', '?', '#', '%', '\\']) {
            return Err(PostsError::invalid(
                "tags",
                format!("Tags cannot contain / ? # % \\ or control characters: “{tag}”."),
            ));
        }
        if !clean.contains(&tag) {
            clean.push(tag);
        }
    }
    if clean.len() > MAX_TAGS {
        return Err(PostsError::invalid(
            "tags",
            format!("A post can have at most {MAX_TAGS} tags."),
        ));
    }
    clean.sort();
    Ok(clean)
}

fn clean_url(url: Option<String>) -> Result<Option<String>, PostsError> {
    let Some(url) = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let valid = rest.is_some_and(|r| !r.is_empty())
        && url.len() <= MAX_URL
        && !url.contains(|c: char| c.is_whitespace() || c.is_control() || "\"'<>`".contains(c));
    if valid {
        Ok(Some(url))
    } else {
        Err(PostsError::invalid(
            "cover_image_url",
            "The cover image must be a web address starting with http:// or https://.",
        ))
    }
}

fn clean_slug(slug: Option<String>) -> Result<Option<String>, PostsError> {
    match slug.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => {
            let slug = slugify(raw);
            if slug.is_empty() {
                Err(PostsError::invalid(
                    "slug",
                    "The address needs at least one letter or digit.",
                ))
            } else {
                Ok(Some(slug))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str) -> PostDraft {
        PostDraft {
            title: title.into(),
            body_markdown: "Hello".into(),
            ..PostDraft::default()
        }
    }

    fn field_of(result: Result<CleanDraft, PostsError>) -> String {
        match result {
            Err(PostsError::Invalid { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn normalises_tags() {
        let clean = clean(PostDraft {
            tags: vec![
                "  Rust ".into(),
                "rust".into(),
                "Web   Development".into(),
                "".into(),
                "  ".into(),
            ],
            ..draft("t")
        })
        .unwrap();
        assert_eq!(clean.tags, ["rust", "web development"]);
    }

    #[test]
    fn refuses_bad_input_naming_the_field() {
        assert_eq!(field_of(clean(draft("   "))), "title");
        assert_eq!(field_of(clean(draft(&"x".repeat(MAX_TITLE + 1)))), "title");
        assert_eq!(field_of(clean(draft("two\nlines"))), "title");
        assert_eq!(
            field_of(clean(PostDraft {
                body_markdown: "a\u{0}b".into(),
                ..draft("t")
            })),
            "body"
        );
        assert_eq!(
            field_of(clean(PostDraft {
                body_markdown: "x".repeat(MAX_BODY_BYTES + 1),
                ..draft("t")
            })),
            "body"
        );
        assert_eq!(
            field_of(clean(PostDraft {
                tags: (0..11).map(|i| format!("t{i}")).collect(),
                ..draft("t")
            })),
            "tags"
        );
        assert_eq!(
            field_of(clean(PostDraft {
                tags: vec!["a/b".into()],
                ..draft("t")
            })),
            "tags"
        );
        for url in [
            "javascript:alert(1)",
            "ftp://x",
            "https://",
            "https://a b",
            "https://x\"onerror",
        ] {
            assert_eq!(
                field_of(clean(PostDraft {
                    cover_image_url: Some(url.into()),
                    ..draft("t")
                })),
                "cover_image_url",
                "{url}"
            );
        }
        assert_eq!(
            field_of(clean(PostDraft {
                slug: Some("!!!".into()),
                ..draft("t")
            })),
            "slug"
        );
    }

    #[test]
    fn keeps_good_input() {
        let clean = clean(PostDraft {
            title: "  Hello  ".into(),
            description: "About things".into(),
            body_markdown: "line\r\nline".into(),
            tags: vec![],
            cover_image_url: Some(" https://img.example/a.png ".into()),
            slug: Some("My Chosen Slug".into()),
        })
        .unwrap();
        assert_eq!(clean.title, "Hello");
        assert_eq!(clean.body_markdown, "line\nline");
        assert_eq!(
            clean.cover_image_url.as_deref(),
            Some("https://img.example/a.png")
        );
        assert_eq!(clean.slug.as_deref(), Some("my-chosen-slug"));
    }
}
