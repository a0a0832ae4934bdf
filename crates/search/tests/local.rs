//! What only the in-process side does: opening, damage, rebuilding, and the outbox indexer;
//! plus how the HTTP client reports a service that is down or damaged.

#![allow(clippy::unwrap_used)]

mod common;
mod fakes;

use std::sync::Arc;

use chrono::NaiveDateTime;
use kernel::outbox::{Event, EventHandler};
use search::{LocalSearch, SearchIndexer};
use search_api::{HttpSearch, SearchError, SearchPort, SearchQuery};

use common::*;
use fakes::{FakePosts, FakeProfiles};

fn generation_dir(root: &std::path::Path) -> std::path::PathBuf {
    let name = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    root.join(name.trim())
}

#[tokio::test]
async fn a_missing_index_is_an_error_or_created_empty() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("search");
    assert!(matches!(
        LocalSearch::open(&root),
        Err(SearchError::Unavailable(_))
    ));
    let search = LocalSearch::open_or_create(&root).unwrap();
    assert_eq!(search.health().await.unwrap().documents, 0);
    assert!(
        search
            .search(SearchQuery::new("x"))
            .await
            .unwrap()
            .hits
            .is_empty()
    );
    drop(search);
    // Reopened, it is the same index.
    let search = LocalSearch::open(&root).unwrap();
    feed(&search, published(1, "Kept", "Text.", &[], ALICE, 1)).await;
    drop(search);
    let search = LocalSearch::open(&root).unwrap();
    assert_eq!(
        search.search(SearchQuery::new("kept")).await.unwrap().total,
        1
    );
}

#[tokio::test]
async fn a_corrupt_index_is_unavailable_until_rebuilt_then_takes_the_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("search");
    let search = LocalSearch::open_or_create(&root).unwrap();
    feed(&search, published(1, "Before", "Text.", &[], ALICE, 1)).await;
    drop(search);
    std::fs::write(generation_dir(&root).join("meta.json"), b"{ not json").unwrap();

    assert!(matches!(
        LocalSearch::open(&root),
        Err(SearchError::Unavailable(_))
    ));
    assert!(matches!(
        LocalSearch::open_or_create(&root),
        Err(SearchError::Unavailable(_))
    ));
    let search = LocalSearch::start(&root);
    let answer = search.search(SearchQuery::new("before")).await;
    assert!(
        matches!(answer, Err(SearchError::Unavailable(_))),
        "{answer:?}"
    );
    assert!(matches!(
        search.health().await,
        Err(SearchError::Unavailable(_))
    ));
    let backlog = published(2, "During", "Text.", &[], ALICE, 1);
    assert!(matches!(
        search.apply(backlog.clone()).await,
        Err(SearchError::Unavailable(_))
    ));

    // The indexer turns that into a handler error, so the outbox retries later.
    let indexer = SearchIndexer::new(
        Arc::new(search.clone()),
        Arc::new(FakeProfiles::with(&[(ALICE, "alice", "Alice Liddell")])),
    );
    let outbox_event = Event {
        id: 7,
        event_type: backlog.event_type.clone(),
        payload: backlog.payload.clone(),
        occurred_at_naive: NaiveDateTime::default(),
    };
    assert!(indexer.handle(&outbox_event).await.is_err());

    // Rebuilt (here: from a posts source holding post 1), it serves again and the retried
    // backlog applies.
    let posts = FakePosts::default();
    posts
        .documents
        .lock()
        .unwrap()
        .push(document(1, "Before", "Text.", &[], ALICE, 1));
    let profiles = FakeProfiles::with(&[(ALICE, "alice", "Alice Liddell")]);
    let indexed = search
        .reindex(&posts, &profiles, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(indexed, 1);
    indexer.handle(&outbox_event).await.unwrap();
    let results = search
        .search(SearchQuery::new("before OR during"))
        .await
        .unwrap();
    assert_eq!(search.health().await.unwrap().documents, 2, "{results:?}");
    assert_eq!(
        search
            .search(SearchQuery::new("during"))
            .await
            .unwrap()
            .hits[0]
            .author_name,
        "Alice Liddell"
    );
}

#[tokio::test]
async fn recreate_empty_repairs_without_a_posts_source() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("search");
    drop(LocalSearch::open_or_create(&root).unwrap());
    std::fs::write(root.join("CURRENT"), "gen-does-not-exist").unwrap();
    let search = LocalSearch::start(&root);
    assert!(search.health().await.is_err());
    search.recreate_empty().await.unwrap();
    assert_eq!(search.health().await.unwrap().documents, 0);
    feed(&search, published(1, "Fresh", "Text.", &[], ALICE, 1)).await;
    assert_eq!(
        search
            .search(SearchQuery::new("fresh"))
            .await
            .unwrap()
            .total,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_swaps_a_rebuilt_index_in_and_keeps_serving_meanwhile() {
    let fixture = local();
    let search = fixture.search.clone();
    let root = search.dir();
    // The live index holds a stale post the database no longer has.
    feed(
        &search,
        published(99, "Stale", "Gone from the database.", &[], ALICE, 1),
    )
    .await;
    let posts = FakePosts::default();
    for id in 1..=250 {
        posts.documents.lock().unwrap().push(document(
            id,
            &format!("Rebuilt {id}"),
            "Body.",
            &["rebuilt"],
            if id % 2 == 0 { ALICE } else { BOB },
            id,
        ));
    }
    let profiles = FakeProfiles::with(&[
        (ALICE, "alice", "Alice Liddell"),
        (BOB, "bob", "Bob Builder"),
    ]);
    let old_generation = generation_dir(&root);

    let during = search.clone();
    let mut reports = Vec::new();
    let mut served_during = 0;
    let handle = tokio::runtime::Handle::current();
    let indexed = search
        .reindex(&posts, &profiles, &mut |progress| {
            reports.push(progress);
            // Mid-rebuild, the old index still answers, and events still apply.
            if progress.done == 100 {
                let during = during.clone();
                let handle = handle.clone();
                let (stale, fresh) = std::thread::spawn(move || {
                    handle.block_on(async {
                        during
                            .apply(published(300, "Arrived meanwhile", "Text.", &[], ALICE, 0))
                            .await
                            .unwrap();
                        (
                            during
                                .search(SearchQuery::new("stale"))
                                .await
                                .unwrap()
                                .total,
                            during
                                .search(SearchQuery::new("meanwhile"))
                                .await
                                .unwrap()
                                .total,
                        )
                    })
                })
                .join()
                .unwrap();
                assert_eq!((stale, fresh), (1, 1));
                served_during += 1;
            }
        })
        .await
        .unwrap();
    assert_eq!(served_during, 1);
    assert_eq!(indexed, 251, "250 rebuilt + 1 replayed from the journal");
    assert_eq!(reports.first().map(|p| (p.done, p.total)), Some((0, 250)));
    assert_eq!(reports.last().map(|p| p.done), Some(250));

    assert_eq!(
        search
            .search(SearchQuery::new("tag:rebuilt"))
            .await
            .unwrap()
            .total,
        250
    );
    assert!(
        search
            .search(SearchQuery::new("stale"))
            .await
            .unwrap()
            .hits
            .is_empty()
    );
    assert_eq!(
        search
            .search(SearchQuery::new("meanwhile"))
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        search
            .search(SearchQuery::new("author:bob"))
            .await
            .unwrap()
            .total,
        125
    );
    assert_ne!(generation_dir(&root), old_generation);
    assert!(!old_generation.exists(), "the old generation is removed");
    // It survives a restart.
    drop(fixture.search);
    drop(search);
    drop(during);
    let reopened = LocalSearch::open(&root).unwrap();
    assert_eq!(reopened.health().await.unwrap().documents, 251);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_reindex_leaves_the_live_index_alone() {
    let fixture = local();
    feed(
        &fixture.search,
        published(1, "Live", "Text.", &[], ALICE, 1),
    )
    .await;
    let posts = FakePosts::default();
    for id in 1..=150 {
        posts
            .documents
            .lock()
            .unwrap()
            .push(document(id, "Other", "Text.", &[], ALICE, 1));
    }
    *posts.fail_after_batches.lock().unwrap() = Some(1);
    let profiles = FakeProfiles::with(&[(ALICE, "alice", "Alice Liddell")]);
    let failed = fixture.search.reindex(&posts, &profiles, &mut |_| {}).await;
    assert!(failed.is_err());
    assert_eq!(
        fixture
            .search
            .search(SearchQuery::new("live"))
            .await
            .unwrap()
            .total,
        1
    );
    assert!(
        fixture
            .search
            .search(SearchQuery::new("other"))
            .await
            .unwrap()
            .hits
            .is_empty()
    );
    let generations = std::fs::read_dir(fixture.search.dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 1, "the partial rebuild is removed");
}

#[tokio::test]
async fn the_indexer_names_authors_and_retries_what_can_succeed_later() {
    let fixture = local();
    let profiles = Arc::new(FakeProfiles::with(&[(ALICE, "alice", "Alice Liddell")]));
    let indexer = SearchIndexer::new(Arc::new(fixture.search.clone()), profiles.clone());
    assert_eq!(indexer.consumer(), "search");
    for accepted in [
        "PostPublished",
        "PostUpdated",
        "PostUnpublished",
        "PostDeleted",
        "ProfileUpdated",
    ] {
        assert!(indexer.accepts(accepted));
    }
    assert!(!indexer.accepts("CommentPosted"));

    let event = |id: i64, e: search_api::SearchEvent| Event {
        id,
        event_type: e.event_type,
        payload: e.payload,
        occurred_at_naive: NaiveDateTime::default(),
    };
    // The payload as the outbox holds it: no names; the indexer looks them up.
    let publish = event(
        1,
        without_author(published(1, "Hello", "Text.", &[], ALICE, 1)),
    );
    *profiles.down.lock().unwrap() = true;
    assert!(
        indexer.handle(&publish).await.is_err(),
        "profiles down: retry later"
    );
    *profiles.down.lock().unwrap() = false;
    indexer.handle(&publish).await.unwrap();
    indexer.handle(&publish).await.unwrap();
    let hit = &fixture
        .search
        .search(SearchQuery::new("hello"))
        .await
        .unwrap()
        .hits[0];
    assert_eq!(
        (hit.author_username.as_str(), hit.author_name.as_str()),
        ("alice", "Alice Liddell")
    );

    // An undecodable event is skipped, not retried forever.
    let broken = Event {
        id: 2,
        event_type: "PostPublished".into(),
        payload: "{".into(),
        occurred_at_naive: NaiveDateTime::default(),
    };
    indexer.handle(&broken).await.unwrap();

    indexer
        .handle(&event(3, renamed(ALICE, "alice", "Alice W.")))
        .await
        .unwrap();
    let hit = &fixture
        .search
        .search(SearchQuery::new("hello"))
        .await
        .unwrap()
        .hits[0];
    assert_eq!(hit.author_name, "Alice W.");
    indexer.handle(&event(4, deleted(1))).await.unwrap();
    assert!(
        fixture
            .search
            .search(SearchQuery::new("hello"))
            .await
            .unwrap()
            .hits
            .is_empty()
    );
}

#[tokio::test]
async fn the_indexer_takes_a_batch_and_skips_only_what_cannot_apply() {
    let fixture = local();
    let profiles = Arc::new(FakeProfiles::with(&[
        (ALICE, "alice", "Alice Liddell"),
        (BOB, "bob", "Bob Builder"),
    ]));
    let indexer = SearchIndexer::new(Arc::new(fixture.search.clone()), profiles.clone());
    let event = |id: i64, e: search_api::SearchEvent| Event {
        id,
        event_type: e.event_type,
        payload: e.payload,
        occurred_at_naive: NaiveDateTime::default(),
    };
    let batch = vec![
        event(
            1,
            without_author(published(1, "Hello", "Text.", &[], ALICE, 1)),
        ),
        Event {
            id: 2,
            event_type: "PostPublished".into(),
            payload: "{".into(),
            occurred_at_naive: NaiveDateTime::default(),
        },
        event(
            3,
            without_author(published(2, "Goodbye", "Text.", &[], BOB, 1)),
        ),
    ];
    *profiles.down.lock().unwrap() = true;
    let failure = indexer.handle_batch(&batch).await.unwrap_err();
    assert_eq!(failure.handled, 0, "profiles down: the whole batch later");
    *profiles.down.lock().unwrap() = false;

    indexer.handle_batch(&batch).await.unwrap();
    for (q, author) in [("hello", "Alice Liddell"), ("goodbye", "Bob Builder")] {
        let results = fixture.search.search(SearchQuery::new(q)).await.unwrap();
        assert_eq!(results.total, 1, "{q}");
        assert_eq!(results.hits[0].author_name, author);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_indexer_feeds_a_remote_service_the_same_way() {
    let remote = remote();
    let profiles = Arc::new(FakeProfiles::with(&[(BOB, "bob", "Bob Builder")]));
    let indexer = SearchIndexer::new(Arc::new(remote.client.clone()), profiles);
    let e = without_author(published(5, "Remote post", "Text.", &[], BOB, 1));
    let outbox_event = Event {
        id: 1,
        event_type: e.event_type,
        payload: e.payload,
        occurred_at_naive: NaiveDateTime::default(),
    };
    indexer.handle(&outbox_event).await.unwrap();
    let hit = &remote
        .client
        .search(SearchQuery::new("remote"))
        .await
        .unwrap()
        .hits[0];
    assert_eq!(hit.author_name, "Bob Builder");

    let e = without_author(published(6, "Batched post", "Text.", &[], BOB, 1));
    let batch = [Event {
        id: 2,
        event_type: e.event_type,
        payload: e.payload,
        occurred_at_naive: NaiveDateTime::default(),
    }];
    indexer.handle_batch(&batch).await.unwrap();
    let results = remote
        .client
        .search(SearchQuery::new("batched"))
        .await
        .unwrap();
    assert_eq!(results.hits[0].author_name, "Bob Builder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_client_reports_a_down_or_damaged_service_as_unavailable() {
    // Nobody listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = HttpSearch::new(&format!("http://127.0.0.1:{port}/")).unwrap();
    assert!(matches!(
        client.search(SearchQuery::new("x")).await,
        Err(SearchError::Unavailable(_))
    ));
    assert!(matches!(
        client.health().await,
        Err(SearchError::Unavailable(_))
    ));
    let e = published(1, "x", "y", &[], ALICE, 1);
    assert!(matches!(
        client.apply(e).await,
        Err(SearchError::Unavailable(_))
    ));
    assert!(HttpSearch::new("ftp://nowhere").is_err());

    // A service over a corrupt index answers 503, read back as Unavailable.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("search");
    drop(LocalSearch::open_or_create(&root).unwrap());
    std::fs::write(root.join("CURRENT"), "gen-missing").unwrap();
    let (url, _server) = serve(LocalSearch::start(&root));
    let client = HttpSearch::new(&url).unwrap();
    assert!(matches!(
        client.search(SearchQuery::new("x")).await,
        Err(SearchError::Unavailable(_))
    ));
    assert!(matches!(
        client.health().await,
        Err(SearchError::Unavailable(_))
    ));
}

#[test]
fn the_binary_takes_the_fixed_flags() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_quire-search"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for flag in [
        "--bind",
        "QUIRE_SEARCH_BIND",
        "127.0.0.1:8090",
        "--data-dir",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}
