//! Writing, answering, editing and deleting comments, and the events they write.

use chrono::Duration;
use comments_api::{CommentEdit, CommentEvent, CommentStatus, CommentsError, CommentsPort};
use kernel::Backend;

use super::*;

async fn comments_are_written_answered_edited_and_deleted(backend: Backend) {
    let f = fixture(backend);
    let first = f.comment(POST, ALICE, "Nice *post*.").await;
    assert_eq!(first.post_id, POST);
    assert_eq!(first.author_id, Some(ALICE.id));
    assert_eq!(first.status, CommentStatus::Visible);
    assert_eq!(first.body_markdown, "Nice *post*.");
    assert!(
        first.body_html.contains("<em>post</em>"),
        "{}",
        first.body_html
    );
    assert_eq!(first.depth, 0);
    assert_eq!(first.created_at, start());
    assert_eq!(first.updated_at, start());
    assert!(!first.edited() && !first.is_placeholder());

    f.clock.advance(Duration::minutes(1));
    let answer = f
        .comments
        .create(reply(
            POST,
            first.id,
            BOB,
            "Agreed, see [this](https://example.org).",
        ))
        .await
        .unwrap();
    assert_eq!(answer.parent_id, Some(first.id));
    assert_eq!(answer.depth, 1);
    assert!(
        answer.body_html.contains("rel=\"noopener nofollow ugc\""),
        "{}",
        answer.body_html
    );
    let deeper = f
        .comments
        .create(reply(POST, answer.id, ALICE, "Thanks!"))
        .await
        .unwrap();
    assert_eq!(deeper.depth, 2);

    f.clock.advance(Duration::minutes(2));
    let edited = f
        .comments
        .edit(
            ALICE,
            CommentEdit {
                comment_id: first.id,
                body: "Nice **post**, really.".into(),
                account_is_new: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.body_markdown, "Nice **post**, really.");
    assert!(edited.body_html.contains("<strong>post</strong>"));
    assert_eq!(edited.edited_at, Some(start() + Duration::minutes(3)));
    assert_eq!(edited.updated_at, start() + Duration::minutes(3));
    assert_eq!(edited.created_at, start());
    assert!(edited.edited());

    let thread = f.comments.thread(POST, None).await.unwrap();
    assert_eq!(
        thread
            .comments
            .iter()
            .map(|c| (c.id, c.depth))
            .collect::<Vec<_>>(),
        [(first.id, 0), (answer.id, 1), (deeper.id, 2)]
    );
    assert_eq!(thread.comments[0], edited);
    assert!(!thread.viewer_moderates);

    // Deleting a leaf removes it.
    f.comments.delete(ALICE, deeper.id).await.unwrap();
    assert_eq!(f.thread_ids(POST, None).await, [first.id, answer.id]);
    assert_eq!(
        f.comments.by_id(deeper.id, Some(ALICE)).await,
        Err(CommentsError::NotFound)
    );
    assert_eq!(
        f.comments.delete(ALICE, deeper.id).await,
        Err(CommentsError::NotFound),
        "gone is gone"
    );

    let events = events(&f).await;
    assert_eq!(
        events,
        [
            CommentEvent::CommentAdded {
                comment_id: first.id,
                post_id: POST,
                parent_id: None,
                author_id: ALICE.id,
                status: CommentStatus::Visible,
            },
            CommentEvent::CommentAdded {
                comment_id: answer.id,
                post_id: POST,
                parent_id: Some(first.id),
                author_id: BOB.id,
                status: CommentStatus::Visible,
            },
            CommentEvent::CommentAdded {
                comment_id: deeper.id,
                post_id: POST,
                parent_id: Some(answer.id),
                author_id: ALICE.id,
                status: CommentStatus::Visible,
            },
            CommentEvent::CommentEdited {
                comment_id: first.id,
                post_id: POST,
            },
            CommentEvent::CommentDeleted {
                comment_id: deeper.id,
                post_id: POST,
            },
        ]
    );

    // Saving the same text again changes nothing and announces nothing.
    let same = f
        .comments
        .edit(
            ALICE,
            CommentEdit {
                comment_id: first.id,
                body: "Nice **post**, really.".into(),
                account_is_new: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(same, edited);
    assert!(super::events(&f).await.is_empty());
}

async fn a_deleted_comment_with_replies_stays_as_a_placeholder(backend: Backend) {
    let f = fixture(backend);
    let top = f.comment(POST, ALICE, "Top").await;
    let answer = f
        .comments
        .create(reply(POST, top.id, BOB, "Answer"))
        .await
        .unwrap();
    f.comments.delete(ALICE, top.id).await.unwrap();

    for viewer in [None, Some(ALICE), Some(AUTHOR)] {
        let thread = f.comments.thread(POST, viewer).await.unwrap();
        assert_eq!(thread.comments.len(), 2);
        let placeholder = &thread.comments[0];
        assert_eq!(placeholder.id, top.id);
        assert!(placeholder.deleted);
        assert_eq!(placeholder.author_id, None);
        assert!(placeholder.body_html.is_empty() && placeholder.body_markdown.is_empty());
        assert_eq!(thread.comments[1].id, answer.id);
        assert_eq!(thread.comments[1].depth, 1);
    }
    assert_eq!(f.count(POST).await, 1, "the placeholder is not counted");
    assert_eq!(
        f.comments.by_id(top.id, None).await,
        Err(CommentsError::NotFound)
    );
    // A placeholder can be neither edited, answered nor deleted again.
    assert_eq!(
        f.comments
            .edit(
                ALICE,
                CommentEdit {
                    comment_id: top.id,
                    body: "back".into(),
                    account_is_new: false
                }
            )
            .await,
        Err(CommentsError::NotFound)
    );
    assert_eq!(
        field_of(f.comments.create(reply(POST, top.id, BOB, "Hm")).await),
        "parent_id"
    );
    assert_eq!(
        f.comments.delete(ALICE, top.id).await,
        Err(CommentsError::NotFound)
    );

    // When its last reply goes, the placeholder goes too.
    f.comments.delete(BOB, answer.id).await.unwrap();
    assert!(f.thread_ids(POST, Some(AUTHOR)).await.is_empty());
    assert_eq!(f.count(POST).await, 0);

    let events = events(&f).await;
    assert_eq!(
        events[2..],
        [
            CommentEvent::CommentDeleted {
                comment_id: top.id,
                post_id: POST,
            },
            CommentEvent::CommentDeleted {
                comment_id: answer.id,
                post_id: POST,
            },
        ]
    );
}

async fn comments_can_be_edited_only_within_the_window(backend: Backend) {
    let f = fixture_with(
        backend,
        CommentsConfig {
            edit_window: Duration::minutes(5),
            ..CommentsConfig::default()
        },
    );
    let comment = f.comment(POST, ALICE, "Frist").await;
    let edit = |body: &str| CommentEdit {
        comment_id: comment.id,
        body: body.into(),
        account_is_new: false,
    };
    f.clock.advance(Duration::minutes(5));
    assert!(f.comments.edit(ALICE, edit("First")).await.is_ok());
    f.clock.advance(Duration::seconds(1));
    assert_eq!(
        f.comments.edit(ALICE, edit("First!")).await,
        Err(CommentsError::EditWindowClosed)
    );
    // Deleting stays possible.
    f.comments.delete(ALICE, comment.id).await.unwrap();
}

async fn only_the_author_edits_and_only_author_or_moderators_delete(backend: Backend) {
    let f = fixture(backend);
    let comment = f.comment(POST, ALICE, "Mine").await;
    let edit = CommentEdit {
        comment_id: comment.id,
        body: "Yours now".into(),
        account_is_new: false,
    };
    for other in [BOB, AUTHOR, EDITOR] {
        assert_eq!(
            f.comments.edit(other, edit.clone()).await,
            Err(CommentsError::Forbidden),
            "moderators hide or delete; they do not rewrite"
        );
    }
    assert_eq!(
        f.comments.delete(BOB, comment.id).await,
        Err(CommentsError::Forbidden)
    );
    // The author of another post is no moderator here.
    let on_bobs = f.comment(BOBS_POST, ALICE, "On Bob's post").await;
    assert_eq!(
        f.comments.delete(AUTHOR, on_bobs.id).await,
        Err(CommentsError::Forbidden)
    );
    assert_eq!(f.count(POST).await, 1);

    // The post's author and an editor may delete.
    f.comments.delete(AUTHOR, comment.id).await.unwrap();
    f.comments.delete(EDITOR, on_bobs.id).await.unwrap();
    assert_eq!(f.count(POST).await, 0);
    assert_eq!(f.count(BOBS_POST).await, 0);
    assert_eq!(
        f.comments.edit(ALICE, edit).await,
        Err(CommentsError::NotFound)
    );
}

async fn replies_must_stay_on_their_post_and_posts_must_be_published(backend: Backend) {
    let f = fixture(backend);
    let elsewhere = f.comment(OTHER_POST, ALICE, "Elsewhere").await;
    assert_eq!(
        field_of(
            f.comments
                .create(reply(POST, elsewhere.id, BOB, "Hi"))
                .await
        ),
        "parent_id"
    );
    assert_eq!(
        field_of(f.comments.create(reply(POST, 999_999, BOB, "Hi")).await),
        "parent_id"
    );
    assert_eq!(
        f.comments.create(new_comment(DRAFT, ALICE, "Early!")).await,
        Err(CommentsError::PostNotOpen)
    );
    assert_eq!(
        f.comments
            .create(new_comment(DRAFT, AUTHOR, "Note to self"))
            .await,
        Err(CommentsError::PostNotOpen),
        "not even its author"
    );
    assert_eq!(
        f.comments.create(new_comment(404, ALICE, "Anyone?")).await,
        Err(CommentsError::NotFound)
    );
    assert_eq!(f.count(POST).await, 0);

    // A post taken back to draft takes no more comments and no edits.
    let comment = f.comment(POST, ALICE, "Before").await;
    f.posts.set(POST, AUTHOR.id, PostStatus::Draft);
    assert_eq!(
        f.comments.create(new_comment(POST, BOB, "After")).await,
        Err(CommentsError::PostNotOpen)
    );
    assert_eq!(
        f.comments
            .edit(
                ALICE,
                CommentEdit {
                    comment_id: comment.id,
                    body: "Changed".into(),
                    account_is_new: false
                }
            )
            .await,
        Err(CommentsError::PostNotOpen)
    );
    // Only one CommentAdded per accepted comment was written; refusals write nothing.
    assert_eq!(events(&f).await.len(), 2);
}

on_both_backends!(
    comments_are_written_answered_edited_and_deleted,
    a_deleted_comment_with_replies_stays_as_a_placeholder,
    comments_can_be_edited_only_within_the_window,
    only_the_author_edits_and_only_author_or_moderators_delete,
    replies_must_stay_on_their_post_and_posts_must_be_published,
);
