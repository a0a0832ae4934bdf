//! Following the posts module: a deleted post's comments go with it, once.

use std::sync::Arc;

use comments_api::{CommentEvent, CommentsError, CommentsPort};
use kernel::Backend;
use kernel::outbox::{self, EventHandler, NewEvent, OutboxSignal, Relay};
use posts_api::PostEvent;

use super::*;

async fn deleting_a_post_removes_its_comments_once(backend: Backend) {
    let f = fixture(backend);
    let top = f.comment(POST, ALICE, "Top").await;
    f.comments
        .create(reply(POST, top.id, BOB, "Answer"))
        .await
        .unwrap();
    f.comments.delete(ALICE, top.id).await.unwrap();
    let kept = f.comment(OTHER_POST, ALICE, "Elsewhere").await;
    events(&f).await;

    // The posts module deletes the post: its event lands in the outbox.
    f.posts.remove(POST);
    // Built as the posts module serializes it (its optional fields left to their defaults).
    let deleted = serde_json::json!({"PostDeleted": {"post_id": POST, "slug": "post-1"}});
    let decoded: PostEvent = serde_json::from_value(deleted.clone()).unwrap();
    assert_eq!(decoded.event_type(), "PostDeleted");
    let mut conn = f.pool.get().unwrap();
    outbox::append(
        &mut conn,
        &NewEvent::new(decoded.event_type(), &deleted, start()).unwrap(),
    )
    .unwrap();
    drop(conn);

    let handler = f.comments.post_events_handler();
    assert_eq!(handler.consumer(), crate::CONSUMER);
    assert!(handler.accepts("PostDeleted"));
    assert!(!handler.accepts("PostPublished"));
    let mut relay = Relay::new(
        f.pool.clone(),
        Arc::new(f.clock.clone()),
        OutboxSignal::new(),
    );
    relay.register(Arc::new(handler.clone()));
    let report = relay.deliver_pending().await.unwrap();
    assert_eq!(report.failed(), 0, "{report:?}");

    assert_eq!(f.count(POST).await, 0);
    assert_eq!(
        f.comments.thread(POST, Some(EDITOR)).await,
        Err(CommentsError::NotFound)
    );
    assert_eq!(f.thread_ids(OTHER_POST, None).await, [kept.id]);
    let mut conn = f.pool.get().unwrap();
    assert_eq!(
        crate::read::thread_rows(&mut conn, POST)
            .map_err(|_| ())
            .unwrap()
            .len(),
        0,
        "the rows are gone, placeholder included"
    );
    drop(conn);

    // Delivered again (a crash before the delivery was recorded): nothing more happens.
    let event = kernel::outbox::Event {
        id: 1_000_000,
        event_type: "PostDeleted".into(),
        payload: serde_json::to_string(&deleted).unwrap(),
        occurred_at_naive: start().naive_utc(),
    };
    handler.handle(&event).await.unwrap();
    handler.handle(&event).await.unwrap();
    // (The relay only passes on the removal event it wrote, which this consumer skips.)
    assert_eq!(relay.deliver_pending().await.unwrap().failed(), 0);
    assert_eq!(f.thread_ids(OTHER_POST, None).await, [kept.id]);

    // One PostCommentsRemoved, then nothing (the PostDeleted event is skipped by type).
    let written: Vec<(String, serde_json::Value)> =
        kernel::testing::drain_events(&f.pool, "test-collector").await;
    let removals: Vec<CommentEvent> = written
        .into_iter()
        .filter(|(event_type, _)| event_type != "PostDeleted")
        .map(|(_, payload)| serde_json::from_value(payload).unwrap())
        .collect();
    assert_eq!(
        removals,
        [CommentEvent::PostCommentsRemoved {
            post_id: POST,
            removed: 2
        }]
    );

    // An event it cannot read does not stall the consumer.
    let garbage = kernel::outbox::Event {
        payload: "not json".into(),
        ..event
    };
    handler.handle(&garbage).await.unwrap();
}

on_both_backends!(deleting_a_post_removes_its_comments_once);
