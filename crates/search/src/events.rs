//! Reading outbox events into index changes.

use posts_api::{PostDocument, PostEvent};
use profiles_api::ProfileEvent;
use search_api::{AuthorName, SearchError, SearchEvent};

use crate::index::{IndexedPost, Op};

fn undecodable(event: &SearchEvent, error: serde_json::Error) -> SearchError {
    SearchError::invalid(
        "event",
        format!("{} payload does not decode: {error}", event.event_type),
    )
}

/// The post as the index holds it, with the author's names if known.
pub(crate) fn indexed(doc: PostDocument, author: Option<AuthorName>) -> IndexedPost {
    IndexedPost {
        post_id: doc.post_id,
        slug: doc.slug,
        title: doc.title,
        description: doc.description,
        body: doc.body_text,
        tags: doc.tags,
        author: author.filter(|a| a.id == doc.author_id),
        author_id: doc.author_id,
        published_at: doc.published_at,
    }
}

/// What `event` changes in the index; nothing for types search does not follow.
pub(crate) fn ops(event: &SearchEvent) -> Result<Vec<Op>, SearchError> {
    match event.event_type.as_str() {
        "PostPublished" | "PostUpdated" | "PostUnpublished" | "PostDeleted" => {
            let decoded: PostEvent =
                serde_json::from_str(&event.payload).map_err(|e| undecodable(event, e))?;
            Ok(vec![match decoded {
                PostEvent::PostPublished(doc) | PostEvent::PostUpdated(doc) => {
                    Op::Upsert(Box::new(indexed(doc, event.author.clone())))
                }
                PostEvent::PostUnpublished { post_id, .. }
                | PostEvent::PostDeleted { post_id, .. } => Op::Remove(post_id),
            }])
        }
        "ProfileUpdated" => {
            let decoded: ProfileEvent =
                serde_json::from_str(&event.payload).map_err(|e| undecodable(event, e))?;
            Ok(match decoded {
                ProfileEvent::ProfileUpdated {
                    id,
                    username,
                    display_name,
                } => vec![Op::RenameAuthor(AuthorName {
                    id,
                    username,
                    display_name,
                })],
                ProfileEvent::FollowersChanged { .. }
                | ProfileEvent::AccessChanged { .. }
                | ProfileEvent::ProfileDeleted { .. } => Vec::new(),
            })
        }
        _ => Ok(Vec::new()),
    }
}
