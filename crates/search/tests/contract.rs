//! The search port's contract, run against the in-process adapter and against the HTTP
//! client talking to a `quire-search` service started in this process.

#![allow(clippy::unwrap_used)]

mod common;

use search_api::{SearchError, SearchPort, SearchQuery, SearchResults};

use common::*;

async fn ask(port: &dyn SearchPort, q: &str) -> SearchResults {
    port.search(SearchQuery::new(q)).await.unwrap()
}

fn slugs(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.slug.clone()).collect()
}

async fn words_are_found_stemmed_and_titles_weigh_more(port: &dyn SearchPort) {
    feed(
        port,
        published(
            1,
            "Cooking with cast iron",
            "A pan and some oil.",
            &["food"],
            ALICE,
            10,
        ),
    )
    .await;
    feed(
        port,
        published(
            2,
            "Travel notes",
            "We were cooking dinner by the lake.",
            &["travel"],
            BOB,
            10,
        ),
    )
    .await;
    feed(
        port,
        published(3, "Unrelated", "Nothing to see.", &[], BOB, 10),
    )
    .await;
    let results = ask(port, "cooks").await;
    assert_eq!(
        slugs(&results),
        ["post-1", "post-2"],
        "stemmed, title first"
    );
    assert_eq!(results.total, 2);
    assert!(!results.fuzzy);
    let hit = &results.hits[0];
    assert_eq!(hit.title, "Cooking with cast iron");
    assert_eq!(hit.author_username, "alice");
    assert_eq!(hit.author_name, "Alice Liddell");
    assert_eq!(hit.tags, ["food"]);
    assert_eq!(hit.published_at, days_ago(10));
    assert!(results.hits[0].score > results.hits[1].score);
    assert_eq!(
        slugs(&ask(port, "cooking lake").await),
        ["post-2"],
        "every word must match"
    );
    assert_eq!(port.health().await.unwrap().documents, 3);
}

async fn newer_posts_get_a_gentle_lift(port: &dyn SearchPort) {
    feed(
        port,
        published(1, "Rust tips", "Borrowing.", &[], ALICE, 900),
    )
    .await;
    feed(port, published(2, "Rust tips", "Borrowing.", &[], ALICE, 1)).await;
    assert_eq!(slugs(&ask(port, "rust").await), ["post-2", "post-1"]);
    // Relevance still beats recency.
    feed(
        port,
        published(3, "Gardening", "Some rust on the tools.", &[], ALICE, 0),
    )
    .await;
    assert_eq!(ask(port, "rust").await.hits[2].slug, "post-3");
}

async fn phrases_and_exclusions(port: &dyn SearchPort) {
    feed(
        port,
        published(1, "One", "The quick brown fox jumps.", &[], ALICE, 5),
    )
    .await;
    feed(
        port,
        published(2, "Two", "A brown and quick fox sleeps.", &[], ALICE, 5),
    )
    .await;
    let mut both = slugs(&ask(port, "quick brown").await);
    both.sort_unstable();
    assert_eq!(both, ["post-1", "post-2"]);
    assert_eq!(slugs(&ask(port, "\"quick brown fox\"").await), ["post-1"]);
    assert_eq!(slugs(&ask(port, "fox -jumps").await), ["post-2"]);
    assert_eq!(slugs(&ask(port, "fox -\"quick brown\"").await), ["post-2"]);
    assert!(
        ask(port, "-fox").await.hits.is_empty(),
        "exclusions alone find nothing"
    );
}

async fn tag_and_author_filters(port: &dyn SearchPort) {
    feed(
        port,
        published(1, "Async", "Futures everywhere.", &["rust"], ALICE, 5),
    )
    .await;
    feed(
        port,
        published(2, "Async", "Promises everywhere.", &["javascript"], BOB, 5),
    )
    .await;
    feed(
        port,
        published(
            3,
            "Models",
            "Futures of learning.",
            &["machine learning"],
            BOB,
            5,
        ),
    )
    .await;
    assert_eq!(slugs(&ask(port, "tag:rust").await), ["post-1"]);
    assert_eq!(slugs(&ask(port, "async TAG:JavaScript").await), ["post-2"]);
    assert_eq!(
        slugs(&ask(port, "tag:\"Machine Learning\"").await),
        ["post-3"]
    );
    assert_eq!(slugs(&ask(port, "author:alice").await), ["post-1"]);
    assert_eq!(slugs(&ask(port, "futures author:BOB").await), ["post-3"]);
    assert_eq!(slugs(&ask(port, "async -tag:rust").await), ["post-2"]);
    assert!(
        ask(port, "tag:ru").await.hits.is_empty(),
        "tags match whole"
    );
    // A plain word finds a tag and an author's display name too.
    assert_eq!(slugs(&ask(port, "javascript").await), ["post-2"]);
    assert_eq!(slugs(&ask(port, "liddell").await), ["post-1"]);
}

async fn typos_fall_back_to_similar_words_ranked(port: &dyn SearchPort) {
    feed(
        port,
        published(
            1,
            "Programming in Rust",
            "Rust programming is fun.",
            &[],
            ALICE,
            5,
        ),
    )
    .await;
    feed(
        port,
        published(
            2,
            "Gardening",
            "I did some programming once.",
            &[],
            ALICE,
            5,
        ),
    )
    .await;
    feed(port, published(3, "Cats", "Nothing here.", &[], ALICE, 5)).await;
    let results = ask(port, "progamming").await;
    assert!(results.fuzzy, "{results:?}");
    assert_eq!(
        slugs(&results),
        ["post-1", "post-2"],
        "ranked, not all equal"
    );
    assert!(results.hits[0].score > results.hits[1].score);
    assert!(
        results.hits[0].snippet.html.contains("<mark>"),
        "{:?}",
        results.hits[0].snippet
    );
    let exact = ask(port, "programming").await;
    assert!(!exact.fuzzy);
    assert!(ask(port, "xqzwv").await.hits.is_empty());
    assert_eq!(slugs(&ask(port, "russt -gardening").await), ["post-1"]);
}

async fn snippets_are_escaped_but_for_marks(port: &dyn SearchPort) {
    let body = "Never write <script>alert('xss')</script> into a page & expect safety. \
                Escaping matters when the snippet shows the alert.";
    feed(port, published(1, "Safety", body, &[], ALICE, 5)).await;
    let results = ask(port, "alert").await;
    let snippet = &results.hits[0].snippet;
    assert!(snippet.html.contains("&lt;script&gt;"), "{}", snippet.html);
    assert!(snippet.html.contains("&amp;"), "{}", snippet.html);
    let without_marks = snippet.html.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !without_marks.contains('<') && !without_marks.contains('>'),
        "{}",
        snippet.html
    );
    assert!(
        snippet.html.contains("<mark>alert</mark>"),
        "{}",
        snippet.html
    );
    assert!(!snippet.highlights.is_empty());
    for range in &snippet.highlights {
        assert_eq!(
            snippet.fragment[range.start..range.end].to_lowercase(),
            "alert"
        );
    }
    // A title-only match shows the start of the body, escaped.
    let lead = &ask(port, "safety").await.hits[0].snippet;
    assert!(
        lead.html.starts_with("Never write &lt;script&gt;"),
        "{}",
        lead.html
    );
}

async fn results_are_paginated(port: &dyn SearchPort) {
    for id in 1..=7 {
        feed(
            port,
            published(id, "Weekly notes", "Notes.", &[], ALICE, 100 - id),
        )
        .await;
    }
    let first = port
        .search(SearchQuery::new("notes").page(1, 3))
        .await
        .unwrap();
    assert_eq!(first.total, 7);
    assert_eq!(slugs(&first), ["post-7", "post-6", "post-5"]);
    assert!(first.has_next());
    let last = port
        .search(SearchQuery::new("notes").page(3, 3))
        .await
        .unwrap();
    assert_eq!(slugs(&last), ["post-1"]);
    assert!(!last.has_next());
    let beyond = port
        .search(SearchQuery::new("notes").page(99, 3))
        .await
        .unwrap();
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, 7);
    let clamped = port
        .search(SearchQuery::new("notes").page(0, 10_000))
        .await
        .unwrap();
    assert_eq!(
        (clamped.page, clamped.per_page),
        (1, search_api::MAX_PER_PAGE)
    );
    assert_eq!(clamped.hits.len(), 7);
    let huge = port
        .search(SearchQuery::new("notes").page(u32::MAX, 50))
        .await
        .unwrap();
    assert!(huge.hits.is_empty());
}

async fn events_are_idempotent_and_updates_replace(port: &dyn SearchPort) {
    let event = published(1, "Original title", "Body text.", &["a"], ALICE, 5);
    feed(port, event.clone()).await;
    feed(port, event).await;
    assert_eq!(ask(port, "original").await.total, 1);
    let updated = updated(1, "Renamed title", "Body text.", &["b"], ALICE, 5);
    feed(port, updated.clone()).await;
    feed(port, updated).await;
    assert!(ask(port, "original").await.hits.is_empty());
    assert_eq!(slugs(&ask(port, "renamed").await), ["post-1"]);
    assert!(
        ask(port, "tag:a").await.hits.is_empty(),
        "lost tags no longer match"
    );
    assert_eq!(port.health().await.unwrap().documents, 1);
}

async fn unpublished_and_deleted_posts_leave(port: &dyn SearchPort) {
    feed(port, published(1, "Alpha", "Text.", &[], ALICE, 5)).await;
    feed(port, published(2, "Alpha beta", "Text.", &[], ALICE, 5)).await;
    feed(port, unpublished(1)).await;
    feed(port, unpublished(1)).await;
    assert_eq!(slugs(&ask(port, "alpha").await), ["post-2"]);
    feed(port, deleted(2)).await;
    feed(port, deleted(2)).await;
    assert!(ask(port, "alpha").await.hits.is_empty());
    feed(port, deleted(99)).await;
    // Republishing brings it back.
    feed(port, published(1, "Alpha", "Text.", &[], ALICE, 5)).await;
    assert_eq!(slugs(&ask(port, "alpha").await), ["post-1"]);
}

async fn a_profile_rename_reaches_the_author_field(port: &dyn SearchPort) {
    feed(port, published(1, "First", "Text.", &[], ALICE, 5)).await;
    feed(port, published(2, "Second", "Text.", &[], ALICE, 5)).await;
    feed(port, published(3, "Third", "Text.", &[], BOB, 5)).await;
    let rename = renamed(ALICE, "alicia", "Alicia Wonder");
    feed(port, rename.clone()).await;
    feed(port, rename).await;
    let results = ask(port, "wonder").await;
    let mut found = slugs(&results);
    found.sort_unstable();
    assert_eq!(found, ["post-1", "post-2"]);
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.author_name == "Alicia Wonder")
    );
    assert_eq!(ask(port, "author:alicia").await.total, 2);
    assert!(ask(port, "author:alice").await.hits.is_empty());
    assert!(ask(port, "liddell").await.hits.is_empty());
    assert_eq!(ask(port, "author:bob").await.total, 1);
    // A post event without names keeps the names the index knows for its author.
    feed(
        port,
        without_author(published(4, "Fourth", "Text.", &[], ALICE, 5)),
    )
    .await;
    let fourth = ask(port, "fourth").await;
    assert_eq!(fourth.hits[0].author_name, "Alicia Wonder");
    // Other event types are ignored.
    port.apply(search_api::SearchEvent::new("CommentPosted", "{}"))
        .await
        .unwrap();
}

async fn empty_and_nonsense_queries_answer_politely(port: &dyn SearchPort) {
    feed(port, published(1, "Something", "Text.", &[], ALICE, 5)).await;
    for q in [
        "",
        "   ",
        "the",
        "a an of",
        "-",
        "\"",
        "\"\"",
        "::",
        "((((",
        "*",
        "tag:",
        "🦀🦀",
        "\u{0}",
        &"x".repeat(10_000),
    ] {
        let results = ask(port, q).await;
        assert!(results.hits.is_empty(), "{q:?}: {results:?}");
        assert_eq!(results.total, 0);
    }
}

async fn syntax_errors_fall_back_to_plain_words(port: &dyn SearchPort) {
    feed(
        port,
        published(
            1,
            "Parsers in practice",
            "Writing a recursive descent parser.",
            &[],
            ALICE,
            5,
        ),
    )
    .await;
    for q in [
        "title:(parser AND",
        "parser^2 OR [",
        "body:parser",
        "\"recursive descent",
        "parser~",
        "{parser}",
        "parser)",
    ] {
        assert_eq!(slugs(&ask(port, q).await), ["post-1"], "{q}");
    }
}

async fn bad_events_are_refused_as_invalid(port: &dyn SearchPort) {
    let refused = port
        .apply(search_api::SearchEvent::new("PostPublished", "not json"))
        .await;
    assert!(
        matches!(refused, Err(SearchError::Invalid { .. })),
        "{refused:?}"
    );
}

async fn a_batch_applies_in_order(port: &dyn SearchPort) {
    port.apply_all(vec![
        published(1, "Alpha", "Text.", &[], ALICE, 5),
        published(2, "Alpha beta", "Text.", &[], ALICE, 5),
        unpublished(1),
        updated(2, "Gamma", "Text.", &[], ALICE, 5),
        // Renames the post staged just before it, in the same batch.
        renamed(ALICE, "alicia", "Alicia Wonder"),
        // Takes the names renamed just before it.
        without_author(published(3, "Third", "Text.", &[], ALICE, 5)),
        deleted(99),
    ])
    .await
    .unwrap();
    assert!(ask(port, "alpha").await.hits.is_empty());
    for q in ["gamma", "third"] {
        let results = ask(port, q).await;
        assert_eq!(results.total, 1, "{q}");
        assert_eq!(results.hits[0].author_name, "Alicia Wonder", "{q}");
    }
    assert_eq!(port.health().await.unwrap().documents, 2);
    port.apply_all(Vec::new()).await.unwrap();

    let refused = port
        .apply_all(vec![
            published(4, "Fourth", "Text.", &[], BOB, 5),
            search_api::SearchEvent::new("PostPublished", "not json"),
        ])
        .await;
    assert!(
        matches!(refused, Err(SearchError::Invalid { .. })),
        "{refused:?}"
    );
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod in_process {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let fixture = super::local();
                super::$name(&fixture.search).await
            })*
        }
        mod over_http {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let fixture = super::remote();
                super::$name(&fixture.client).await
            })*
        }
    };
}

contract!(
    words_are_found_stemmed_and_titles_weigh_more,
    newer_posts_get_a_gentle_lift,
    phrases_and_exclusions,
    tag_and_author_filters,
    typos_fall_back_to_similar_words_ranked,
    snippets_are_escaped_but_for_marks,
    results_are_paginated,
    events_are_idempotent_and_updates_replace,
    unpublished_and_deleted_posts_leave,
    a_profile_rename_reaches_the_author_field,
    empty_and_nonsense_queries_answer_politely,
    syntax_errors_fall_back_to_plain_words,
    bad_events_are_refused_as_invalid,
    a_batch_applies_in_order,
);
