//! Threads, counts and feeds, as readers get them.

use std::collections::HashMap;

use chrono::Duration;
use comments_api::{CommentEdit, CommentStatus, CommentsError, CommentsPort, ModerationAction};
use kernel::Backend;

use super::*;
use crate::RateLimit;

async fn counts_follow_edits_deletions_and_moderation(backend: Backend) {
    let f = fixture(backend);
    assert!(f.comments.counts(Vec::new()).await.unwrap().is_empty());
    let a = f.comment(POST, ALICE, "a").await;
    let b = f.comment(POST, BOB, "b").await;
    let c = f
        .comments
        .create(reply(POST, a.id, BOB, "c"))
        .await
        .unwrap();
    f.comment(OTHER_POST, ALICE, "d").await;
    f.comments
        .create(NewComment {
            mode: ModerationMode::All,
            ..new_comment(OTHER_POST, BOB, "pending")
        })
        .await
        .unwrap();

    let counts = f
        .comments
        .counts(vec![POST, OTHER_POST, BOBS_POST, POST, 404])
        .await
        .unwrap();
    assert_eq!(
        counts,
        HashMap::from([(POST, 3), (OTHER_POST, 1), (BOBS_POST, 0), (404, 0)])
    );

    f.comments
        .edit(
            ALICE,
            CommentEdit {
                comment_id: a.id,
                body: "a, edited".into(),
                account_is_new: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(f.count(POST).await, 3, "an edit changes no count");
    f.comments
        .moderate(AUTHOR, b.id, ModerationAction::Hide)
        .await
        .unwrap();
    assert_eq!(f.count(POST).await, 2);
    f.comments.delete(ALICE, a.id).await.unwrap();
    assert_eq!(f.count(POST).await, 1, "a placeholder is not counted");
    f.comments
        .moderate(AUTHOR, b.id, ModerationAction::Approve)
        .await
        .unwrap();
    f.comments.delete(BOB, c.id).await.unwrap();
    assert_eq!(f.count(POST).await, 1);
    assert_eq!(f.thread_ids(POST, None).await, [b.id]);
}

async fn commenters_include_every_status_once(backend: Backend) {
    let f = fixture(backend);
    assert!(f.comments.commenters(POST).await.unwrap().is_empty());
    let a = f.comment(POST, ALICE, "a").await;
    f.comment(POST, ALICE, "again").await;
    f.comments
        .create(NewComment {
            mode: ModerationMode::All,
            ..new_comment(POST, BOB, "pending")
        })
        .await
        .unwrap();
    f.comment(OTHER_POST, EDITOR, "elsewhere").await;
    f.comments.delete(ALICE, a.id).await.unwrap();

    let mut commenters = f.comments.commenters(POST).await.unwrap();
    commenters.sort_unstable();
    assert_eq!(commenters, vec![ALICE.id, BOB.id]);
}

async fn unpublished_and_missing_posts_show_no_comments_to_readers(backend: Backend) {
    let f = fixture(backend);
    let comment = f.comment(POST, ALICE, "Hello").await;
    f.posts.set(POST, AUTHOR.id, PostStatus::Draft);
    let given = f.thread_post(POST).await;
    for viewer in [None, Some(ALICE), Some(BOB)] {
        assert_eq!(
            f.comments.thread(POST, viewer).await,
            Err(CommentsError::NotFound)
        );
        assert_eq!(
            f.comments.thread_of(given, viewer).await,
            Err(CommentsError::NotFound)
        );
        assert_eq!(
            f.comments.by_id(comment.id, viewer).await,
            Err(CommentsError::NotFound)
        );
    }
    assert_eq!(
        f.comments.recent_for_post(POST, 10).await,
        Err(CommentsError::NotFound)
    );
    // Its author and editors still see (and may moderate) them.
    for moderator in [AUTHOR, EDITOR] {
        assert_eq!(f.thread_ids(POST, Some(moderator)).await, [comment.id]);
    }
    // Its commenter may still delete their words.
    // Republished, the comments are back.
    f.posts.set(POST, AUTHOR.id, PostStatus::Published);
    assert_eq!(f.thread_ids(POST, None).await, [comment.id]);
    assert_eq!(
        f.comments.thread(404, None).await,
        Err(CommentsError::NotFound)
    );
    assert_eq!(
        f.comments.thread(404, Some(EDITOR)).await,
        Err(CommentsError::NotFound)
    );
}

async fn the_feed_lists_visible_comments_newest_first(backend: Backend) {
    let f = fixture(backend);
    let mut made = Vec::new();
    for i in 0..5 {
        f.clock.advance(Duration::minutes(1));
        made.push(f.comment(POST, ALICE, &format!("comment {i}")).await);
    }
    f.comments
        .moderate(AUTHOR, made[3].id, ModerationAction::Hide)
        .await
        .unwrap();
    f.comments
        .create(NewComment {
            mode: ModerationMode::All,
            ..new_comment(POST, BOB, "pending")
        })
        .await
        .unwrap();
    let feed = f.comments.recent_for_post(POST, 3).await.unwrap();
    assert_eq!(
        feed.iter().map(|c| c.id).collect::<Vec<_>>(),
        [made[4].id, made[2].id, made[1].id]
    );
    assert_eq!(feed[0].created_at, start() + Duration::minutes(5));
    assert!(feed.iter().all(|c| c.status == CommentStatus::Visible));
    assert_eq!(field_of(f.comments.recent_for_post(POST, 0).await), "limit");
    assert_eq!(
        field_of(f.comments.recent_for_post(POST, 101).await),
        "limit"
    );
    assert!(
        f.comments
            .recent_for_post(BOBS_POST, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_thread_of_500_comments_loads_whole_and_in_order(backend: Backend) {
    let f = fixture_with(
        backend,
        CommentsConfig {
            per_account: RateLimit {
                max: 1_000,
                window: Duration::minutes(1),
            },
            per_client: RateLimit {
                max: 1_000,
                window: Duration::minutes(1),
            },
            ..CommentsConfig::default()
        },
    );
    let authors: Vec<Actor> = (100..110)
        .map(|id| Actor {
            id,
            may_moderate_any: false,
        })
        .collect();
    // 100 top-level comments; each gets a reply, which gets a reply, … five levels deep, the
    // levels written in interleaved order so creation order is not tree order.
    let mut levels: Vec<Vec<i64>> = Vec::new();
    for level in 0..5 {
        let mut ids = Vec::new();
        for i in 0..100 {
            f.clock.advance(Duration::milliseconds(10));
            let author = authors[(i + level) % authors.len()];
            let body = format!("level {level}, thread {i}");
            let comment = match levels.last() {
                None => new_comment(POST, author, &body),
                Some(parents) => reply(POST, parents[i], author, &body),
            };
            ids.push(f.comments.create(comment).await.unwrap().id);
        }
        levels.push(ids);
    }

    let thread = f.comments.thread(POST, None).await.unwrap();
    assert_eq!(thread.comments.len(), 500);
    assert_eq!(thread.visible_count(), 500);
    // Tree order: each top-level comment followed by its chain of four replies.
    for (i, chain) in thread.comments.chunks(5).enumerate() {
        for (level, comment) in chain.iter().enumerate() {
            assert_eq!(comment.id, levels[level][i]);
            assert_eq!(comment.depth, u32::try_from(level).unwrap());
            assert_eq!(comment.body_markdown, format!("level {level}, thread {i}"));
        }
    }
    assert_eq!(thread.comments[4].display_depth(3), 3);
    assert_eq!(f.count(POST).await, 500);
}

on_both_backends!(
    counts_follow_edits_deletions_and_moderation,
    commenters_include_every_status_once,
    unpublished_and_missing_posts_show_no_comments_to_readers,
    the_feed_lists_visible_comments_newest_first,
    a_thread_of_500_comments_loads_whole_and_in_order,
);
