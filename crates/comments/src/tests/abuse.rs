//! Rate limits, duplicate submissions, length and link limits.

use chrono::Duration;
use comments_api::{CommentEdit, CommentsError, CommentsPort};
use kernel::Backend;

use super::*;
use crate::RateLimit;

fn limited() -> CommentsConfig {
    CommentsConfig {
        per_account: RateLimit {
            max: 2,
            window: Duration::minutes(1),
        },
        per_client: RateLimit {
            max: 3,
            window: Duration::minutes(1),
        },
        ..CommentsConfig::default()
    }
}

fn from(author: Actor, ip: &str, body: &str) -> NewComment {
    NewComment {
        client_ip: Some(ip.into()),
        ..new_comment(POST, author, body)
    }
}

async fn accounts_and_addresses_are_rate_limited(backend: Backend) {
    let f = fixture_with(backend, limited());
    f.comments
        .create(from(ALICE, "192.0.2.1", "one"))
        .await
        .unwrap();
    f.clock.advance(Duration::seconds(10));
    f.comments
        .create(from(ALICE, "192.0.2.2", "two"))
        .await
        .unwrap();
    // Alice's account is full, whatever address she uses.
    assert_eq!(
        f.comments
            .create(from(ALICE, "198.51.100.7", "three"))
            .await,
        Err(CommentsError::RateLimited {
            retry_after_secs: 50
        })
    );
    // 192.0.2.1 has room for two more comments from other accounts, then it is full.
    f.comments
        .create(from(BOB, "192.0.2.1", "bob one"))
        .await
        .unwrap();
    let carol = Actor {
        id: 50,
        may_moderate_any: false,
    };
    f.comments
        .create(from(carol, "192.0.2.1", "carol one"))
        .await
        .unwrap();
    let dave = Actor {
        id: 51,
        may_moderate_any: false,
    };
    assert_eq!(
        f.comments.create(from(dave, "192.0.2.1", "dave one")).await,
        Err(CommentsError::RateLimited {
            retry_after_secs: 50
        })
    );
    // The post's author and editors are not limited.
    for _ in 0..5 {
        for (i, moderator) in [AUTHOR, EDITOR].into_iter().enumerate() {
            f.clock.advance(Duration::milliseconds(1));
            let body = format!("staff {i} {}", f.clock_now_micros());
            f.comments
                .create(from(moderator, "192.0.2.1", &body))
                .await
                .unwrap();
        }
    }
    // Waiting out the window works; a refused comment was not counted.
    f.clock.advance(Duration::minutes(1));
    f.comments
        .create(from(ALICE, "192.0.2.1", "three"))
        .await
        .unwrap();
    f.comments
        .create(from(dave, "192.0.2.1", "dave one"))
        .await
        .unwrap();
    assert_eq!(f.count(POST).await, 4 + 10 + 2);
}

impl Fixture {
    /// A number that changes as the clock moves, to make bodies unique.
    fn clock_now_micros(&self) -> i64 {
        use kernel::Clock;
        self.clock.now().timestamp_micros()
    }
}

async fn resubmissions_return_the_first_comment(backend: Backend) {
    let f = fixture_with(
        backend,
        CommentsConfig {
            per_client: RateLimit {
                max: 100,
                window: Duration::minutes(1),
            },
            ..limited()
        },
    );
    let keyed = |body: &str, key: &str| NewComment {
        idempotency_key: Some(key.into()),
        ..new_comment(POST, ALICE, body)
    };
    let first = f.comments.create(keyed("Hello", "token-1")).await.unwrap();
    f.clock.advance(Duration::seconds(5));
    // The same token again: the same comment, even if the text differs (a retried request).
    let again = f.comments.create(keyed("Hello!", "token-1")).await.unwrap();
    assert_eq!(again, first);
    // The same body on the same post and parent, without a token: still the same comment.
    let same_body = f
        .comments
        .create(new_comment(POST, ALICE, " Hello "))
        .await
        .unwrap();
    assert_eq!(same_body.id, first.id);
    assert_eq!(f.thread_ids(POST, None).await, [first.id]);
    // Resubmissions are not counted against the rate limit (2 per minute here).
    let second = f.comments.create(keyed("Second", "token-2")).await.unwrap();
    assert_ne!(second.id, first.id);

    // A token is Alice's own: Bob's form with the same token makes Bob's comment.
    let bobs = f
        .comments
        .create(NewComment {
            idempotency_key: Some("token-1".into()),
            ..new_comment(POST, BOB, "Hello")
        })
        .await
        .unwrap();
    assert_ne!(bobs.id, first.id);
    // The same words as an answer, on another post, or after the window are new comments.
    let answer = f
        .comments
        .create(reply(POST, bobs.id, BOB, "Hello"))
        .await
        .unwrap();
    assert_ne!(answer.id, bobs.id);
    f.clock.advance(Duration::minutes(11));
    let later = f
        .comments
        .create(new_comment(POST, ALICE, "Hello"))
        .await
        .unwrap();
    assert_ne!(later.id, first.id);
    assert_eq!(
        events(&f).await.len(),
        5,
        "one CommentAdded per comment made"
    );

    // Concurrent double submissions make one comment.
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let comments = f.comments.clone();
            tokio::spawn(async move {
                comments
                    .create(NewComment {
                        idempotency_key: Some("race".into()),
                        ..new_comment(OTHER_POST, BOB, "Race")
                    })
                    .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(f.count(OTHER_POST).await, 1);

    // Once the comment is deleted (here kept as a placeholder), its token makes a new one.
    f.clock.advance(Duration::minutes(11));
    f.comments
        .create(reply(OTHER_POST, ids[0], ALICE, "An answer"))
        .await
        .unwrap();
    f.comments.delete(BOB, ids[0]).await.unwrap();
    let anew = f
        .comments
        .create(NewComment {
            idempotency_key: Some("race".into()),
            ..new_comment(OTHER_POST, BOB, "Race")
        })
        .await
        .unwrap();
    assert_ne!(anew.id, ids[0]);
}

async fn bodies_must_be_present_and_not_too_long(backend: Backend) {
    let f = fixture_with(
        backend,
        CommentsConfig {
            max_body_chars: 20,
            ..CommentsConfig::default()
        },
    );
    for body in ["", "   \n  ", "<!-- hidden -->"] {
        assert_eq!(
            field_of(f.comments.create(new_comment(POST, ALICE, body)).await),
            "body",
            "{body:?}"
        );
    }
    assert_eq!(
        field_of(
            f.comments
                .create(new_comment(POST, ALICE, &"x".repeat(21)))
                .await
        ),
        "body"
    );
    let ok = f.comment(POST, ALICE, &"ü".repeat(20)).await;
    assert_eq!(
        field_of(
            f.comments
                .edit(
                    ALICE,
                    CommentEdit {
                        comment_id: ok.id,
                        body: "y".repeat(21),
                        account_is_new: false,
                    }
                )
                .await
        ),
        "body"
    );
    assert_eq!(
        field_of(
            f.comments
                .create(NewComment {
                    idempotency_key: Some("k".repeat(500)),
                    ..new_comment(POST, ALICE, "fine")
                })
                .await
        ),
        "idempotency_key"
    );
    assert_eq!(f.count(POST).await, 1);
}

async fn new_accounts_may_post_only_a_few_links(backend: Backend) {
    let f = fixture(backend);
    let three = "[a](https://a.example) <https://b.example> www.c.example";
    let new = |author: Actor, body: &str| NewComment {
        account_is_new: true,
        ..new_comment(POST, author, body)
    };
    assert_eq!(field_of(f.comments.create(new(ALICE, three)).await), "body");
    let two = f
        .comments
        .create(new(ALICE, "[a](https://a.example) and https://b.example"))
        .await
        .unwrap();
    // Editing in a third link is refused too.
    assert_eq!(
        field_of(
            f.comments
                .edit(
                    ALICE,
                    CommentEdit {
                        comment_id: two.id,
                        body: three.into(),
                        account_is_new: true,
                    }
                )
                .await
        ),
        "body"
    );
    // Older accounts and the post's own author are not limited.
    f.comments
        .create(new_comment(POST, BOB, three))
        .await
        .unwrap();
    f.comments.create(new(AUTHOR, three)).await.unwrap();
}

on_both_backends!(
    accounts_and_addresses_are_rate_limited,
    resubmissions_return_the_first_comment,
    bodies_must_be_present_and_not_too_long,
    new_accounts_may_post_only_a_few_links,
);
