//! Moderation modes, who sees what, and the moderation queue.

use comments_api::{CommentEvent, CommentStatus, CommentsError, CommentsPort, ModerationAction};
use kernel::Backend;

use super::*;

fn in_mode(post_id: i64, author: Actor, body: &str, mode: ModerationMode) -> NewComment {
    NewComment {
        mode,
        ..new_comment(post_id, author, body)
    }
}

async fn open_mode_shows_comments_at_once(backend: Backend) {
    let f = fixture(backend);
    let comment = f.comment(POST, ALICE, "Hello").await;
    assert_eq!(comment.status, CommentStatus::Visible);
    assert_eq!(f.thread_ids(POST, None).await, [comment.id]);
    assert_eq!(f.count(POST).await, 1);
}

async fn all_mode_holds_every_comment_but_the_moderators(backend: Backend) {
    let f = fixture(backend);
    let all = ModerationMode::All;
    let alices = f
        .comments
        .create(in_mode(POST, ALICE, "Held", all))
        .await
        .unwrap();
    assert_eq!(alices.status, CommentStatus::Pending);
    assert!(alices.awaiting_approval());
    // Approval of one does not let the next through in this mode.
    f.comments
        .moderate(AUTHOR, alices.id, ModerationAction::Approve)
        .await
        .unwrap();
    let again = f
        .comments
        .create(in_mode(POST, ALICE, "Held again", all))
        .await
        .unwrap();
    assert_eq!(again.status, CommentStatus::Pending);
    // The post's author and editors are never held.
    for moderator in [AUTHOR, EDITOR] {
        let own = f
            .comments
            .create(in_mode(POST, moderator, "From the staff", all))
            .await
            .unwrap();
        assert_eq!(own.status, CommentStatus::Visible);
    }
    // Bob's post: Alice's comment waits there too, and only Bob (or an editor) may approve.
    let on_bobs = f
        .comments
        .create(in_mode(BOBS_POST, ALICE, "Hi Bob", all))
        .await
        .unwrap();
    assert_eq!(
        f.comments
            .moderate(AUTHOR, on_bobs.id, ModerationAction::Approve)
            .await,
        Err(CommentsError::Forbidden)
    );
    f.comments
        .moderate(BOB, on_bobs.id, ModerationAction::Approve)
        .await
        .unwrap();
    assert_eq!(f.count(BOBS_POST).await, 1);
    assert_eq!(f.count(POST).await, 3);
}

async fn first_time_mode_holds_a_commenter_until_approved(backend: Backend) {
    let f = fixture(backend);
    let first_time = ModerationMode::FirstTime;
    let first = f
        .comments
        .create(in_mode(POST, ALICE, "My first", first_time))
        .await
        .unwrap();
    assert_eq!(first.status, CommentStatus::Pending);
    let second = f
        .comments
        .create(in_mode(POST, ALICE, "Still waiting?", first_time))
        .await
        .unwrap();
    assert_eq!(second.status, CommentStatus::Pending, "not approved yet");

    f.comments
        .moderate(AUTHOR, first.id, ModerationAction::Approve)
        .await
        .unwrap();
    let third = f
        .comments
        .create(in_mode(BOBS_POST, ALICE, "Trusted now", first_time))
        .await
        .unwrap();
    assert_eq!(third.status, CommentStatus::Visible, "trust is site-wide");

    // Someone whose comment went up visible while the site was open is trusted too.
    f.comment(POST, BOB, "In open times").await;
    let bobs = f
        .comments
        .create(in_mode(POST, BOB, "Later", first_time))
        .await
        .unwrap();
    assert_eq!(bobs.status, CommentStatus::Visible);

    // Hiding one of Alice's comments withdraws her trust.
    f.comments
        .moderate(EDITOR, third.id, ModerationAction::Hide)
        .await
        .unwrap();
    let fourth = f
        .comments
        .create(in_mode(POST, ALICE, "Behaving", first_time))
        .await
        .unwrap();
    assert_eq!(fourth.status, CommentStatus::Pending);
}

async fn readers_never_see_pending_or_hidden_comments_moderators_do(backend: Backend) {
    let f = fixture(backend);
    let visible = f.comment(POST, BOB, "Visible").await;
    let pending = f
        .comments
        .create(in_mode(POST, ALICE, "Pending", ModerationMode::All))
        .await
        .unwrap();
    let hidden = f.comment(POST, BOB, "Spam").await;
    f.comments
        .moderate(AUTHOR, hidden.id, ModerationAction::Hide)
        .await
        .unwrap();

    // Readers, signed out or in, and other commenters.
    for viewer in [
        None,
        Some(BOB),
        Some(Actor {
            id: 77,
            may_moderate_any: false,
        }),
    ] {
        assert_eq!(f.thread_ids(POST, viewer).await, [visible.id], "{viewer:?}");
        for id in [pending.id, hidden.id] {
            assert_eq!(
                f.comments.by_id(id, viewer).await,
                Err(CommentsError::NotFound)
            );
        }
    }
    // The commenter sees their own pending comment, awaiting approval.
    let alices = f.comments.thread(POST, Some(ALICE)).await.unwrap();
    assert_eq!(
        alices.comments.iter().map(|c| c.id).collect::<Vec<_>>(),
        [visible.id, pending.id]
    );
    assert!(alices.comments[1].awaiting_approval());
    assert_eq!(
        f.comments
            .by_id(pending.id, Some(ALICE))
            .await
            .unwrap()
            .status,
        CommentStatus::Pending
    );
    // Bob does not see his own hidden comment.
    assert_eq!(
        f.comments.by_id(hidden.id, Some(BOB)).await,
        Err(CommentsError::NotFound)
    );

    // The post's author and editors see everything, marked.
    for moderator in [AUTHOR, EDITOR] {
        let thread = f.comments.thread(POST, Some(moderator)).await.unwrap();
        assert!(thread.viewer_moderates);
        let statuses: Vec<(i64, CommentStatus)> =
            thread.comments.iter().map(|c| (c.id, c.status)).collect();
        assert_eq!(
            statuses,
            [
                (visible.id, CommentStatus::Visible),
                (pending.id, CommentStatus::Pending),
                (hidden.id, CommentStatus::Hidden),
            ]
        );
        assert!(thread.comments.iter().all(|c| !c.is_placeholder()));
    }
    // Bob moderates his own post, not this one.
    assert!(
        !f.comments
            .thread(POST, Some(BOB))
            .await
            .unwrap()
            .viewer_moderates
    );
    assert_eq!(
        f.comments
            .moderate(BOB, pending.id, ModerationAction::Approve)
            .await,
        Err(CommentsError::Forbidden)
    );

    // A visible reply under a hidden comment keeps its place: readers get a placeholder.
    let answer = f
        .comments
        .create(reply(
            POST,
            hidden.id,
            EDITOR,
            "Removed, please stay on topic",
        ))
        .await
        .unwrap();
    let thread = f.comments.thread(POST, None).await.unwrap();
    assert_eq!(
        thread.comments.iter().map(|c| c.id).collect::<Vec<_>>(),
        [visible.id, hidden.id, answer.id]
    );
    assert!(thread.comments[1].withheld);
    assert_eq!(thread.comments[1].author_id, None);
    assert!(thread.comments[1].body_html.is_empty());
    // Readers may not answer a comment they cannot see.
    assert_eq!(
        field_of(f.comments.create(reply(POST, pending.id, BOB, "?")).await),
        "parent_id"
    );

    // Unhiding brings it back for everyone.
    f.comments
        .moderate(AUTHOR, hidden.id, ModerationAction::Approve)
        .await
        .unwrap();
    let thread = f.comments.thread(POST, None).await.unwrap();
    assert!(thread.comments.iter().all(|c| !c.is_placeholder()));
    assert_eq!(f.count(POST).await, 3);
}

async fn moderation_changes_write_events_once(backend: Backend) {
    let f = fixture(backend);
    let comment = f
        .comments
        .create(in_mode(POST, ALICE, "Pending", ModerationMode::All))
        .await
        .unwrap();
    f.comments
        .moderate(AUTHOR, comment.id, ModerationAction::Approve)
        .await
        .unwrap();
    // Approving again is a no-op with no event.
    f.comments
        .moderate(AUTHOR, comment.id, ModerationAction::Approve)
        .await
        .unwrap();
    f.comments
        .moderate(EDITOR, comment.id, ModerationAction::Hide)
        .await
        .unwrap();
    f.comments
        .moderate(EDITOR, comment.id, ModerationAction::Delete)
        .await
        .unwrap();
    assert_eq!(
        f.comments
            .moderate(EDITOR, comment.id, ModerationAction::Hide)
            .await,
        Err(CommentsError::NotFound)
    );
    let id = comment.id;
    assert_eq!(
        events(&f).await,
        [
            CommentEvent::CommentAdded {
                comment_id: id,
                post_id: POST,
                parent_id: None,
                author_id: ALICE.id,
                status: CommentStatus::Pending,
            },
            CommentEvent::CommentModerated {
                comment_id: id,
                post_id: POST,
                status: CommentStatus::Visible,
            },
            CommentEvent::CommentModerated {
                comment_id: id,
                post_id: POST,
                status: CommentStatus::Hidden,
            },
            CommentEvent::CommentDeleted {
                comment_id: id,
                post_id: POST,
            },
        ]
    );
}

async fn the_queue_lists_what_waits_on_the_moderators_posts(backend: Backend) {
    let f = fixture(backend);
    let all = ModerationMode::All;
    let on_post = f
        .comments
        .create(in_mode(POST, ALICE, "One", all))
        .await
        .unwrap();
    f.clock.advance(chrono::Duration::minutes(1));
    let on_other = f
        .comments
        .create(in_mode(OTHER_POST, ALICE, "Two", all))
        .await
        .unwrap();
    f.clock.advance(chrono::Duration::minutes(1));
    let on_bobs = f
        .comments
        .create(in_mode(BOBS_POST, ALICE, "Three", all))
        .await
        .unwrap();
    let visible = f.comment(POST, BOB, "Fine").await;
    let hidden = f.comment(POST, EDITOR, "Hide me").await;
    f.comments
        .moderate(AUTHOR, hidden.id, ModerationAction::Hide)
        .await
        .unwrap();

    let ids = |queue: Vec<comments_api::Comment>| queue.iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(f
            .comments
            .moderation_queue(AUTHOR, false, 50)
            .await
            .unwrap()),
        [on_post.id, on_other.id]
    );
    assert_eq!(
        ids(f.comments.moderation_queue(AUTHOR, true, 50).await.unwrap()),
        [on_post.id, on_other.id, hidden.id]
    );
    assert_eq!(
        ids(f.comments.moderation_queue(BOB, true, 50).await.unwrap()),
        [on_bobs.id]
    );
    assert_eq!(
        ids(f
            .comments
            .moderation_queue(EDITOR, false, 50)
            .await
            .unwrap()),
        [on_post.id, on_other.id, on_bobs.id]
    );
    assert_eq!(
        ids(f.comments.moderation_queue(EDITOR, false, 2).await.unwrap()),
        [on_post.id, on_other.id]
    );
    assert!(
        f.comments
            .moderation_queue(ALICE, true, 50)
            .await
            .unwrap()
            .is_empty(),
        "no posts, nothing to moderate"
    );
    let queued = &f
        .comments
        .moderation_queue(AUTHOR, false, 50)
        .await
        .unwrap()[0];
    assert_eq!(queued.author_id, Some(ALICE.id));
    assert_eq!(queued.body_markdown, "One");
    assert_eq!(queued.status, CommentStatus::Pending);
    assert_eq!(
        field_of(f.comments.moderation_queue(AUTHOR, false, 0).await),
        "limit"
    );

    // Deciding takes a comment out of the queue.
    f.comments
        .moderate(AUTHOR, on_post.id, ModerationAction::Approve)
        .await
        .unwrap();
    f.comments
        .moderate(AUTHOR, on_other.id, ModerationAction::Delete)
        .await
        .unwrap();
    assert!(
        f.comments
            .moderation_queue(AUTHOR, false, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(f.count(POST).await, 2, "{visible:?}");
}

on_both_backends!(
    open_mode_shows_comments_at_once,
    all_mode_holds_every_comment_but_the_moderators,
    first_time_mode_holds_a_commenter_until_approved,
    readers_never_see_pending_or_hidden_comments_moderators_do,
    moderation_changes_write_events_once,
    the_queue_lists_what_waits_on_the_moderators_posts,
);
