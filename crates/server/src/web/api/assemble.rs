//! From the modules' port types to wire types, with the authors, "following" and
//! "favorited" of a whole list fetched in a fixed number of calls (no N+1).

use std::collections::{HashMap, HashSet};

use posts_api::{PostSource, PostSummary};

use super::auth::ApiUser;
use super::dto::{self, timestamp};
use super::errors::ApiError;
use crate::web::AppState;

/// A profile as the asker sees it.
pub(crate) fn profile(profile: &profiles_api::Profile, following: bool) -> dto::Profile {
    dto::Profile {
        username: profile.username.clone(),
        bio: profile.bio_markdown.clone(),
        image: profile.avatar_url.clone().unwrap_or_default(),
        following,
    }
}

/// A profile card (an article's or a comment's author) as the asker sees it.
fn card(card: profiles_api::ProfileCard, following: bool) -> dto::Profile {
    dto::Profile {
        username: card.username,
        bio: card.bio_markdown,
        image: card.avatar_url.unwrap_or_default(),
        following,
    }
}

/// Stands in for an author whose account is gone.
fn gone() -> dto::Profile {
    dto::Profile {
        username: "deleted".to_owned(),
        bio: String::new(),
        image: String::new(),
        following: false,
    }
}

/// The profiles with these ids as the asker sees them, in at most two calls: nobody
/// follows themselves, so the asker's own profile needs no lookup of its own.
pub(crate) async fn profiles(
    state: &AppState,
    asker: Option<&ApiUser>,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, dto::Profile>, ApiError> {
    ids.sort_unstable();
    ids.dedup();
    let found = state.profiles.cards_by_ids(ids.clone()).await?;
    let others: Vec<i64> = match asker {
        Some(asker) => ids
            .into_iter()
            .filter(|id| *id != asker.viewer.id)
            .collect(),
        None => Vec::new(),
    };
    let following: HashSet<i64> = match asker {
        Some(asker) if !others.is_empty() => state
            .profiles
            .is_following(asker.viewer.id, others)
            .await?
            .into_iter()
            .collect(),
        _ => HashSet::new(),
    };
    Ok(found
        .into_iter()
        .map(|c| {
            let following = following.contains(&c.id);
            (c.id, card(c, following))
        })
        .collect())
}

/// Which of these posts, given as `(post id, favorites count)`, the asker marked favorite,
/// in at most one call: a post nobody marked favorite (count 0) cannot be the asker's, so
/// only the others are looked up.
async fn favorited(
    state: &AppState,
    asker: Option<&ApiUser>,
    counts: &[(i64, u64)],
) -> Result<HashSet<i64>, ApiError> {
    let post_ids = favored(counts);
    match asker {
        Some(asker) if !post_ids.is_empty() => Ok(state
            .posts
            .favorited_among(asker.viewer.id, post_ids)
            .await?
            .into_iter()
            .collect()),
        _ => Ok(HashSet::new()),
    }
}

/// The ids among `(post id, favorites count)` that somebody marked favorite.
fn favored(counts: &[(i64, u64)]) -> Vec<i64> {
    counts
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(id, _)| *id)
        .collect()
}

/// One article in full.
pub(crate) async fn article(
    state: &AppState,
    asker: Option<&ApiUser>,
    post: PostSource,
) -> Result<dto::Article, ApiError> {
    let authors = profiles(state, asker, vec![post.author_id]).await?;
    let favorited = favorited(state, asker, &[(post.id, post.favorites_count)]).await?;
    Ok(dto::Article {
        created_at: timestamp(post.published_at.unwrap_or(post.created_at)),
        updated_at: timestamp(post.updated_at),
        favorited: favorited.contains(&post.id),
        favorites_count: post.favorites_count,
        author: authors.get(&post.author_id).cloned().unwrap_or_else(gone),
        slug: post.slug,
        title: post.title,
        description: post.description,
        body: post.body_markdown,
        tag_list: post.tags,
    })
}

/// A list of articles, in three calls whatever its length.
pub(crate) async fn previews(
    state: &AppState,
    asker: Option<&ApiUser>,
    posts: Vec<PostSummary>,
) -> Result<Vec<dto::ArticlePreview>, ApiError> {
    let authors = profiles(state, asker, posts.iter().map(|p| p.author_id).collect()).await?;
    let counts: Vec<(i64, u64)> = posts.iter().map(|p| (p.id, p.favorites_count)).collect();
    let favorited = favorited(state, asker, &counts).await?;
    Ok(posts
        .into_iter()
        .map(|post| dto::ArticlePreview {
            created_at: timestamp(post.published_at.unwrap_or(post.updated_at)),
            updated_at: timestamp(post.updated_at),
            favorited: favorited.contains(&post.id),
            favorites_count: post.favorites_count,
            author: authors.get(&post.author_id).cloned().unwrap_or_else(gone),
            slug: post.slug,
            title: post.title,
            description: post.description,
            tag_list: post.tags,
        })
        .collect())
}

/// Comments with text and an author (placeholders of deleted or withheld comments are left
/// out: the flat API list has no thread shape to keep), in two calls.
pub(crate) async fn comments(
    state: &AppState,
    asker: Option<&ApiUser>,
    comments: Vec<comments_api::Comment>,
) -> Result<Vec<dto::Comment>, ApiError> {
    let shown: Vec<(i64, comments_api::Comment)> = comments
        .into_iter()
        .filter(|c| !c.is_placeholder())
        .filter_map(|c| c.author_id.map(|author| (author, c)))
        .collect();
    let authors = profiles(state, asker, shown.iter().map(|(a, _)| *a).collect()).await?;
    Ok(shown
        .into_iter()
        .map(|(author, c)| comment(c, authors.get(&author).cloned().unwrap_or_else(gone)))
        .collect())
}

/// One comment with its author's profile.
pub(crate) fn comment(comment: comments_api::Comment, author: dto::Profile) -> dto::Comment {
    dto::Comment {
        id: comment.id,
        created_at: timestamp(comment.created_at),
        updated_at: timestamp(comment.updated_at),
        body: comment.body_markdown,
        author,
    }
}

#[cfg(test)]
mod tests {
    use super::favored;

    #[test]
    fn only_posts_somebody_favored_are_looked_up() {
        assert_eq!(favored(&[(1, 0), (2, 3), (3, 0), (4, 1)]), vec![2, 4]);
        assert!(favored(&[(1, 0)]).is_empty());
    }
}
