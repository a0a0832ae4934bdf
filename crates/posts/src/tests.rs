//! The posts module against real databases, on SQLite and PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use kernel::clock::ManualClock;
use kernel::outbox::OutboxSignal;
use kernel::testing::TestDatabase;
use kernel::{Backend, DbPool};
use posts_api::{
    Actor, ArchiveEntry, PageRequest, PostDraft, PostEvent, PostFilter, PostLink, PostSource,
    PostStatus, PostsError, PostsPort, ReadablePost, SlugLookup,
};

use crate::SqlPosts;

pub(crate) const ALICE: Actor = Actor {
    id: 1,
    may_edit_any: false,
};
pub(crate) const BOB: Actor = Actor {
    id: 2,
    may_edit_any: false,
};
pub(crate) const EDITOR: Actor = Actor {
    id: 3,
    may_edit_any: true,
};

pub(crate) fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub(crate) struct Fixture {
    pub(crate) _db: TestDatabase,
    pub(crate) pool: DbPool,
    pub(crate) clock: ManualClock,
    pub(crate) posts: SqlPosts,
    /// The signal the posts module wakes the outbox with.
    pub(crate) signal: OutboxSignal,
}

pub(crate) fn fixture(backend: Backend) -> Fixture {
    let db = TestDatabase::create(backend);
    let pool = db.pool();
    kernel::migrations::run_all(
        &mut pool.get().unwrap(),
        &[&kernel::MIGRATIONS, &crate::MIGRATIONS],
    )
    .unwrap();
    let clock = ManualClock::new(start());
    let signal = OutboxSignal::new();
    let posts = SqlPosts::new(pool.clone(), Arc::new(clock.clone()), signal.clone());
    Fixture {
        _db: db,
        pool,
        clock,
        posts,
        signal,
    }
}

impl Fixture {
    /// `post_by_slug`, after checking that `readable_by_slug` and `source_by_slug` find the
    /// same (the same post without what its page does not show, with the neighbours
    /// `neighbours` names, or without what was rendered from its Markdown; or the same
    /// redirect or error).
    async fn by_slug(&self, slug: &str, viewer: Option<Actor>) -> Result<SlugLookup, PostsError> {
        let full = self.posts.post_by_slug(slug, viewer).await;
        let source = self.posts.source_by_slug(slug, viewer).await;
        let expected_source = full.clone().map(|found| match found {
            SlugLookup::Found(post) => SlugLookup::Found(Box::new(PostSource::from(*post))),
            SlugLookup::Moved { slug } => SlugLookup::Moved { slug },
        });
        assert_eq!(source, expected_source, "source_by_slug({slug:?}) agrees");
        let readable = self.posts.readable_by_slug(slug, viewer).await;
        let expected = match full.clone() {
            Ok(SlugLookup::Found(post)) => {
                Ok(SlugLookup::Found(Box::new(self.readable(*post).await)))
            }
            Ok(SlugLookup::Moved { slug }) => Ok(SlugLookup::Moved { slug }),
            Err(error) => Err(error),
        };
        assert_eq!(readable, expected, "readable_by_slug({slug:?}) agrees");
        full
    }

    /// `post` as its page reads it, with its neighbours.
    async fn readable(&self, post: posts_api::Post) -> ReadablePost {
        let (older, newer) = self.posts.neighbours(post.id).await.unwrap();
        ReadablePost {
            id: post.id,
            author_id: post.author_id,
            slug: post.slug,
            title: post.title,
            description: post.description,
            body_html: post.body_html,
            toc: post.toc,
            word_count: post.word_count,
            reading_minutes: post.reading_minutes,
            tags: post.tags,
            cover_image_url: post.cover_image_url,
            status: post.status,
            published_at: post.published_at,
            updated_at: post.updated_at,
            older,
            newer,
        }
    }
}

pub(crate) fn draft(title: &str, body: &str, tags: &[&str]) -> PostDraft {
    PostDraft {
        title: title.into(),
        body_markdown: body.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        ..PostDraft::default()
    }
}

fn first_page() -> PageRequest {
    PageRequest {
        page: 1,
        per_page: 20,
    }
}

/// The events written since the last call, checked to carry their own type.
async fn events(fixture: &Fixture) -> Vec<PostEvent> {
    kernel::testing::drain_events::<PostEvent>(&fixture.pool, "test-collector")
        .await
        .into_iter()
        .map(|(event_type, event)| {
            assert_eq!(event.event_type(), event_type);
            event
        })
        .collect()
}

fn slugs(page: &posts_api::PostPage) -> Vec<&str> {
    page.posts.iter().map(|p| p.slug.as_str()).collect()
}

async fn drafts_are_private_until_published(backend: Backend) {
    let f = fixture(backend);
    let post = f
        .posts
        .create(ALICE, draft("Hello, World!", "First *post*.", &["Rust"]))
        .await
        .unwrap();
    assert_eq!(post.slug, "hello-world");
    assert_eq!(post.status, PostStatus::Draft);
    assert!(
        post.body_html.contains("<em>post</em>"),
        "{}",
        post.body_html
    );
    assert_eq!(post.tags, ["rust"]);

    for viewer in [None, Some(BOB)] {
        assert_eq!(
            f.by_slug("hello-world", viewer).await,
            Err(PostsError::NotFound)
        );
    }
    assert!(matches!(
        f.by_slug("hello-world", Some(ALICE)).await,
        Ok(SlugLookup::Found(_))
    ));
    assert!(matches!(
        f.by_slug("hello-world", Some(EDITOR)).await,
        Ok(SlugLookup::Found(_))
    ));
    let page = f
        .posts
        .published_page(PostFilter::default(), first_page())
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    assert!(events(&f).await.is_empty(), "a draft announces nothing");

    f.clock.advance(Duration::minutes(5));
    let published = f.posts.publish(ALICE, post.id).await.unwrap();
    assert_eq!(published.status, PostStatus::Published);
    assert_eq!(published.published_at, Some(start() + Duration::minutes(5)));
    assert!(matches!(
        f.by_slug("hello-world", None).await,
        Ok(SlugLookup::Found(_))
    ));
    let page = f
        .posts
        .published_page(PostFilter::default(), first_page())
        .await
        .unwrap();
    assert_eq!(slugs(&page), ["hello-world"]);

    let events = events(&f).await;
    let [PostEvent::PostPublished(doc)] = events.as_slice() else {
        panic!("expected one PostPublished, got {events:?}");
    };
    assert_eq!(doc.post_id, post.id);
    assert_eq!(doc.tags, ["rust"]);
    assert_eq!(doc.body_text.trim(), "First post.");
    assert_eq!(doc.author_id, ALICE.id);
}

async fn slugs_are_unique_follow_drafts_and_redirect_when_published(backend: Backend) {
    let f = fixture(backend);
    let first = f
        .posts
        .create(ALICE, draft("Same Title", "a", &[]))
        .await
        .unwrap();
    let second = f
        .posts
        .create(BOB, draft("Same Title", "b", &[]))
        .await
        .unwrap();
    assert_eq!(first.slug, "same-title");
    assert_eq!(second.slug, "same-title-2");

    // A draft's address follows its title.
    let renamed = f
        .posts
        .update(BOB, second.id, draft("Another Title", "b", &[]))
        .await
        .unwrap();
    assert_eq!(renamed.slug, "another-title");

    // A published post keeps its address when the title changes…
    f.posts.publish(ALICE, first.id).await.unwrap();
    let retitled = f
        .posts
        .update(ALICE, first.id, draft("Same Title, Revised", "a", &[]))
        .await
        .unwrap();
    assert_eq!(retitled.slug, "same-title");
    // …and answers from its old one when the author changes it.
    let moved = f
        .posts
        .update(
            ALICE,
            first.id,
            PostDraft {
                slug: Some("A New Address".into()),
                ..draft("Same Title, Revised", "a", &[])
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.slug, "a-new-address");
    assert_eq!(
        f.by_slug("same-title", None).await,
        Ok(SlugLookup::Moved {
            slug: "a-new-address".into()
        })
    );
    // The old address is not handed to another post.
    let third = f
        .posts
        .create(BOB, draft("Same Title", "c", &[]))
        .await
        .unwrap();
    assert_eq!(third.slug, "same-title-2");
    // Moving back reclaims the old address and forgets the redirect.
    f.posts
        .update(
            ALICE,
            first.id,
            PostDraft {
                slug: Some("same-title".into()),
                ..draft("Same Title, Revised", "a", &[])
            },
        )
        .await
        .unwrap();
    assert_eq!(
        f.by_slug("a-new-address", None).await,
        Ok(SlugLookup::Moved {
            slug: "same-title".into()
        })
    );
    assert!(matches!(
        f.by_slug("same-title", None).await,
        Ok(SlugLookup::Found(_))
    ));
    // Unicode titles keep their letters.
    let unicode = f
        .posts
        .create(ALICE, draft("Ünïcode Straße 你好", "x", &[]))
        .await
        .unwrap();
    assert_eq!(unicode.slug, "ünïcode-straße-你好");
}

async fn scheduled_posts_go_live_when_their_time_comes(backend: Backend) {
    let f = fixture(backend);
    let post = f
        .posts
        .create(ALICE, draft("Later", "Soon.", &[]))
        .await
        .unwrap();
    assert!(matches!(
        f.posts
            .schedule(ALICE, post.id, start() - Duration::minutes(1))
            .await,
        Err(PostsError::Invalid { .. })
    ));
    let at = start() + Duration::hours(2);
    let scheduled = f.posts.schedule(ALICE, post.id, at).await.unwrap();
    assert_eq!(scheduled.status, PostStatus::Scheduled);
    let next_week = f
        .posts
        .create(ALICE, draft("Next week", "Later still.", &[]))
        .await
        .unwrap();
    let next_week_at = start() + Duration::days(7);
    f.posts
        .schedule(ALICE, next_week.id, next_week_at)
        .await
        .unwrap();
    assert_eq!(f.by_slug("later", None).await, Err(PostsError::NotFound));

    f.clock.advance(Duration::hours(1));
    let wakes = f.signal.raised();
    assert_eq!(f.posts.publish_due().await.unwrap(), Vec::<i64>::new());
    assert_eq!(
        f.signal.raised(),
        wakes,
        "a look that finds nothing due wakes no one (the page cache would pause)"
    );
    assert_eq!(f.by_slug("later", None).await, Err(PostsError::NotFound));

    f.clock.advance(Duration::hours(1) + Duration::seconds(30));
    assert_eq!(f.posts.publish_due().await.unwrap(), vec![post.id]);
    assert!(f.signal.raised() > wakes, "publishing wakes the outbox");
    let SlugLookup::Found(live) = f.by_slug("later", None).await.unwrap() else {
        panic!("published post found");
    };
    assert_eq!(live.status, PostStatus::Published);
    assert_eq!(
        live.published_at,
        Some(at),
        "dated when it was scheduled for"
    );
    assert!(matches!(
        events(&f).await.as_slice(),
        [PostEvent::PostPublished(_)]
    ));
    // Nothing left to do the second time: the post of next week is not due yet.
    assert!(f.posts.publish_due().await.unwrap().is_empty());
    assert_eq!(
        f.by_slug("next-week", None).await,
        Err(PostsError::NotFound)
    );
    f.clock.advance(Duration::days(7));
    assert_eq!(f.posts.publish_due().await.unwrap(), vec![next_week.id]);
    assert!(f.posts.publish_due().await.unwrap().is_empty());
    // A published post cannot be scheduled.
    assert!(matches!(
        f.posts
            .schedule(ALICE, post.id, start() + Duration::days(9))
            .await,
        Err(PostsError::Conflict(_))
    ));
}

async fn unpublish_and_delete_announce_themselves(backend: Backend) {
    let f = fixture(backend);
    let post = f
        .posts
        .create(ALICE, draft("Gone", "Soon gone.", &["x"]))
        .await
        .unwrap();
    f.posts.publish(ALICE, post.id).await.unwrap();
    f.posts.favorite(BOB.id, post.id).await.unwrap();
    let back = f.posts.unpublish(ALICE, post.id).await.unwrap();
    assert_eq!(back.status, PostStatus::Draft);
    assert_eq!(back.published_at, None);
    assert_eq!(f.by_slug("gone", None).await, Err(PostsError::NotFound));
    assert_eq!(
        f.posts.delete(BOB, post.id).await,
        Err(PostsError::NotFound)
    );
    f.posts.delete(ALICE, post.id).await.unwrap();
    assert_eq!(
        f.by_slug("gone", Some(ALICE)).await,
        Err(PostsError::NotFound)
    );
    assert!(f.posts.tags().await.unwrap().is_empty());
    let events = events(&f).await;
    let types: Vec<&str> = events.iter().map(PostEvent::event_type).collect();
    assert_eq!(types, ["PostPublished", "PostUnpublished", "PostDeleted"]);
    // Both carry what list pages need to forget the post: its author and tags.
    for event in &events[1..] {
        let (PostEvent::PostUnpublished {
            author_id, tags, ..
        }
        | PostEvent::PostDeleted {
            author_id, tags, ..
        }) = event
        else {
            panic!("unexpected {event:?}");
        };
        assert_eq!(
            (*author_id, tags.as_slice()),
            (ALICE.id, ["x".to_owned()].as_slice())
        );
    }
}

async fn an_update_names_the_tags_the_post_lost(backend: Backend) {
    let f = fixture(backend);
    let post = f
        .posts
        .create(ALICE, draft("Tagged", "Body.", &["keep", "drop"]))
        .await
        .unwrap();
    f.posts.publish(ALICE, post.id).await.unwrap();
    f.posts
        .update(ALICE, post.id, draft("Tagged", "Body.", &["keep", "new"]))
        .await
        .unwrap();
    let events = events(&f).await;
    let [_, PostEvent::PostUpdated(doc)] = events.as_slice() else {
        panic!("expected PostPublished then PostUpdated, got {events:?}");
    };
    assert_eq!(doc.tags, ["keep", "new"]);
    assert_eq!(doc.former_tags, ["drop"]);
}

async fn only_the_author_or_an_editor_may_change_a_post(backend: Backend) {
    let f = fixture(backend);
    let post = f
        .posts
        .create(ALICE, draft("Mine", "text", &[]))
        .await
        .unwrap();
    assert_eq!(
        f.posts
            .update(BOB, post.id, draft("Stolen", "x", &[]))
            .await,
        Err(PostsError::NotFound),
        "a stranger does not even learn the draft exists"
    );
    f.posts.publish(ALICE, post.id).await.unwrap();
    for attempt in [
        f.posts
            .update(BOB, post.id, draft("Stolen", "x", &[]))
            .await
            .map(|_| ()),
        f.posts.unpublish(BOB, post.id).await.map(|_| ()),
        f.posts.delete(BOB, post.id).await,
        f.posts.revisions(BOB, post.id).await.map(|_| ()),
    ] {
        assert_eq!(attempt, Err(PostsError::Forbidden));
    }
    let edited = f
        .posts
        .update(EDITOR, post.id, draft("Mine, edited", "text", &[]))
        .await
        .unwrap();
    assert_eq!(edited.title, "Mine, edited");
    assert_eq!(
        edited.author_id, ALICE.id,
        "editing does not change authorship"
    );
}

async fn every_save_of_the_text_keeps_a_revision(backend: Backend) {
    let f = fixture(backend);
    let post = f
        .posts
        .create(ALICE, draft("Rev", "one", &[]))
        .await
        .unwrap();
    f.clock.advance(Duration::minutes(1));
    f.posts
        .update(ALICE, post.id, draft("Rev", "two", &[]))
        .await
        .unwrap();
    f.clock.advance(Duration::minutes(1));
    // A tag-only change is not a new version of the text.
    f.posts
        .update(ALICE, post.id, draft("Rev", "two", &["t"]))
        .await
        .unwrap();
    f.posts
        .update(ALICE, post.id, draft("Rev", "three", &["t"]))
        .await
        .unwrap();
    let revisions = f.posts.revisions(ALICE, post.id).await.unwrap();
    let bodies: Vec<&str> = revisions.iter().map(|r| r.body_markdown.as_str()).collect();
    assert_eq!(bodies, ["three", "two", "one"]);

    let oldest = revisions.last().unwrap().id;
    let restored = f
        .posts
        .restore_revision(ALICE, post.id, oldest)
        .await
        .unwrap();
    assert_eq!(restored.body_markdown, "one");
    assert_eq!(restored.tags, ["t"], "restoring text keeps today's tags");
    assert_eq!(f.posts.revisions(ALICE, post.id).await.unwrap().len(), 4);
    assert_eq!(
        f.posts
            .restore_revision(ALICE, post.id, oldest + 1000)
            .await,
        Err(PostsError::NotFound)
    );
}

async fn tags_are_normalised_counted_and_filterable(backend: Backend) {
    let f = fixture(backend);
    let a = f
        .posts
        .create(ALICE, draft("A", "a", &["Rust", " Web  Dev "]))
        .await
        .unwrap();
    let b = f
        .posts
        .create(ALICE, draft("B", "b", &["rust"]))
        .await
        .unwrap();
    let c = f
        .posts
        .create(BOB, draft("C", "c", &["RUST"]))
        .await
        .unwrap();
    for (who, post) in [(ALICE, &a), (ALICE, &b)] {
        f.clock.advance(Duration::minutes(1));
        f.posts.publish(who, post.id).await.unwrap();
    }
    let _unpublished = c;
    let tags = f.posts.tags().await.unwrap();
    let counted: Vec<(&str, u64)> = tags.iter().map(|t| (t.tag.as_str(), t.count)).collect();
    assert_eq!(
        counted,
        [("rust", 2), ("web dev", 1)],
        "drafts are not counted"
    );

    let filter = PostFilter {
        tag: Some("  WEB dev".into()),
        ..PostFilter::default()
    };
    let page = f.posts.published_page(filter, first_page()).await.unwrap();
    assert_eq!(slugs(&page), ["a"]);
    let by_author = PostFilter {
        author_id: Some(ALICE.id),
        ..PostFilter::default()
    };
    let page = f
        .posts
        .published_page(by_author, first_page())
        .await
        .unwrap();
    assert_eq!(slugs(&page), ["b", "a"], "newest first");
}

async fn favorites_are_idempotent_and_counted(backend: Backend) {
    let f = fixture(backend);
    let post = f.posts.create(ALICE, draft("Fav", "x", &[])).await.unwrap();
    assert_eq!(
        f.posts.favorite(BOB.id, post.id).await,
        Err(PostsError::NotFound)
    );
    f.posts.publish(ALICE, post.id).await.unwrap();
    assert_eq!(f.posts.favorite(BOB.id, post.id).await, Ok(1));
    assert_eq!(f.posts.favorite(BOB.id, post.id).await, Ok(1));
    assert_eq!(f.posts.favorite(EDITOR.id, post.id).await, Ok(2));
    let faved = PostFilter {
        favorited_by: Some(BOB.id),
        ..PostFilter::default()
    };
    let page = f
        .posts
        .published_page(faved.clone(), first_page())
        .await
        .unwrap();
    assert_eq!(slugs(&page), ["fav"]);
    assert_eq!(page.posts[0].favorites_count, 2);
    assert_eq!(f.posts.unfavorite(BOB.id, post.id).await, Ok(1));
    assert_eq!(f.posts.unfavorite(BOB.id, post.id).await, Ok(1));
    assert_eq!(
        f.posts
            .published_page(faved, first_page())
            .await
            .unwrap()
            .total,
        0
    );
}

async fn the_archive_pages_by_year(backend: Backend) {
    let f = fixture(backend);
    // 2026-11-01 09:00, then across New Year (UTC) twice: posts in 2026, 2027 and 2028.
    let steps = [0, 30, 61, 200, 200];
    for (n, days) in steps.into_iter().enumerate() {
        f.clock.advance(Duration::days(days));
        let post = f
            .posts
            .create(ALICE, draft(&format!("Post {n}"), "x", &[]))
            .await
            .unwrap();
        f.posts.publish(ALICE, post.id).await.unwrap();
    }
    let draft_only = f.posts.create(ALICE, draft("Hidden", "x", &[])).await;
    assert!(draft_only.is_ok());
    let years = f.posts.archive_years().await.unwrap();
    let years: Vec<(i32, u64)> = years.iter().map(|y| (y.year, y.posts)).collect();
    assert_eq!(years, [(2028, 1), (2027, 2), (2026, 2)]);
    let slugs = |entries: Vec<ArchiveEntry>| -> Vec<String> {
        entries.into_iter().map(|e| e.slug).collect()
    };
    assert_eq!(
        slugs(f.posts.archive_year(2027).await.unwrap()),
        ["post-3", "post-2"]
    );
    assert_eq!(
        slugs(f.posts.archive_year(2026).await.unwrap()),
        ["post-1", "post-0"]
    );
    assert!(f.posts.archive_year(2025).await.unwrap().is_empty());
    assert!(f.posts.archive_year(i32::MAX).await.unwrap().is_empty());
}

async fn lists_paginate_and_link_neighbours(backend: Backend) {
    let f = fixture(backend);
    let mut ids = Vec::new();
    for n in 1..=5 {
        let post = f
            .posts
            .create(ALICE, draft(&format!("Post {n}"), "x", &[]))
            .await
            .unwrap();
        f.clock.advance(Duration::minutes(1));
        f.posts.publish(ALICE, post.id).await.unwrap();
        ids.push(post.id);
    }
    let draft_only = f
        .posts
        .create(ALICE, draft("Hidden", "x", &[]))
        .await
        .unwrap();
    let page = |n| PageRequest {
        page: n,
        per_page: 2,
    };
    let one = f
        .posts
        .published_page(PostFilter::default(), page(1))
        .await
        .unwrap();
    assert_eq!(slugs(&one), ["post-5", "post-4"]);
    assert_eq!(one.total, 5);
    assert!(one.has_next());
    let three = f
        .posts
        .published_page(PostFilter::default(), page(3))
        .await
        .unwrap();
    assert_eq!(slugs(&three), ["post-1"]);
    assert!(!three.has_next());
    for bad in [
        PageRequest {
            page: 0,
            per_page: 2,
        },
        PageRequest {
            page: 1,
            per_page: 0,
        },
        PageRequest {
            page: 1,
            per_page: 1000,
        },
    ] {
        assert!(matches!(
            f.posts.published_page(PostFilter::default(), bad).await,
            Err(PostsError::Invalid { .. })
        ));
    }

    let recent = f
        .posts
        .recent_published(PostFilter::default(), 2)
        .await
        .unwrap();
    let recent: Vec<&str> = recent.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(recent, ["post-5", "post-4"]);
    assert!(
        f.posts
            .recent_published(PostFilter::default(), 0)
            .await
            .is_err()
    );

    let archive = f.posts.archive().await.unwrap();
    let archived: Vec<&str> = archive.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(archived, ["post-5", "post-4", "post-3", "post-2", "post-1"]);

    let (older, newer) = f.posts.neighbours(ids[2]).await.unwrap();
    assert_eq!(older.unwrap().slug, "post-2");
    assert_eq!(newer.unwrap().slug, "post-4");
    let (older, newer) = f.posts.neighbours(ids[0]).await.unwrap();
    assert!(older.is_none());
    assert_eq!(newer.unwrap().slug, "post-2");
    for unpublished in [draft_only.id, 999_999] {
        assert_eq!(
            f.posts.neighbours(unpublished).await.unwrap(),
            (None, None),
            "a draft or a missing post has no neighbours"
        );
    }
    // Each post's page reads its neighbours with it: none for the draft, seen by its author.
    for slug in ["post-1", "post-3", "post-5"] {
        f.by_slug(slug, None).await.unwrap();
    }
    let hidden = f.by_slug("hidden", Some(ALICE)).await.unwrap();
    assert!(matches!(hidden, SlugLookup::Found(post) if post.status == PostStatus::Draft));

    let found = f
        .posts
        .published_by_ids(vec![ids[3], draft_only.id, ids[0], 999_999])
        .await
        .unwrap();
    let found: Vec<i64> = found.iter().map(|p| p.id).collect();
    assert_eq!(
        found,
        [ids[3], ids[0]],
        "order kept, drafts and unknown ids skipped"
    );

    let mine = f.posts.posts_of(ALICE).await.unwrap();
    assert_eq!(mine.len(), 6);
    assert_eq!(
        mine[0].status,
        PostStatus::Draft,
        "most recently changed first"
    );
    let authorship = f.posts.authorship(ids[0]).await.unwrap().unwrap();
    assert_eq!(authorship.author_id, ALICE.id);
    assert_eq!(f.posts.authorship(999_999).await.unwrap(), None);
}

async fn bad_input_is_refused_and_nothing_is_written(backend: Backend) {
    let f = fixture(backend);
    let refused = f.posts.create(ALICE, draft("   ", "body", &[])).await;
    assert!(matches!(refused, Err(PostsError::Invalid { ref field, .. }) if field == "title"));
    let empty = f
        .posts
        .create(ALICE, draft("Empty", "  ", &[]))
        .await
        .unwrap();
    assert!(matches!(
        f.posts.publish(ALICE, empty.id).await,
        Err(PostsError::Invalid { ref field, .. }) if field == "body"
    ));
    assert_eq!(f.posts.posts_of(ALICE).await.unwrap().len(), 1);
    assert!(events(&f).await.is_empty());
}

async fn published_documents_walk_every_published_post_in_id_order(backend: Backend) {
    let f = fixture(backend);
    let mut ids = Vec::new();
    for n in 0..5 {
        let post = f
            .posts
            .create(
                ALICE,
                draft(
                    &format!("Post {n}"),
                    &format!("Body *number* {n}."),
                    &["Rust"],
                ),
            )
            .await
            .unwrap();
        if n != 2 {
            f.posts.publish(ALICE, post.id).await.unwrap();
        }
        ids.push(post.id);
    }
    let first = f.posts.published_documents(0, 2).await.unwrap();
    assert_eq!(
        first.iter().map(|d| d.post_id).collect::<Vec<_>>(),
        [ids[0], ids[1]]
    );
    assert_eq!(first[0].body_text.trim(), "Body number 0.");
    assert_eq!(first[0].tags, ["rust"]);
    assert_eq!(first[0].author_id, ALICE.id);
    assert_eq!(first[0].title, "Post 0");
    let rest = f.posts.published_documents(ids[1], 100).await.unwrap();
    assert_eq!(
        rest.iter().map(|d| d.post_id).collect::<Vec<_>>(),
        [ids[3], ids[4]],
        "the draft is skipped"
    );
    assert!(
        f.posts
            .published_documents(ids[4], 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        f.posts.published_documents(0, 0).await,
        Err(PostsError::Invalid { ref field, .. }) if field == "limit"
    ));
}

async fn neighbours_of_posts_published_at_one_instant_follow_their_ids(backend: Backend) {
    let f = fixture(backend);
    let mut ids = Vec::new();
    for n in 1..=4 {
        let post = f
            .posts
            .create(ALICE, draft(&format!("Same {n}"), "x", &[]))
            .await
            .unwrap();
        f.posts.publish(ALICE, post.id).await.unwrap();
        ids.push(post.id);
    }
    let slug = |link: Option<PostLink>| link.map(|l| l.slug);
    for (at, id) in ids.iter().enumerate() {
        let (older, newer) = f.posts.neighbours(*id).await.unwrap();
        let expected_older = at
            .checked_sub(1)
            .map(|before| format!("same-{}", before + 1));
        let expected_newer = (at + 1 < ids.len()).then(|| format!("same-{}", at + 2));
        assert_eq!(slug(older), expected_older, "post {}", at + 1);
        assert_eq!(slug(newer), expected_newer, "post {}", at + 1);
        // The post's page reads the same two in its own statement.
        f.by_slug(&format!("same-{}", at + 1), None).await.unwrap();
    }
}

async fn slices_start_at_any_offset_and_favorites_are_asked_in_batch(backend: Backend) {
    let f = fixture(backend);
    let mut ids = Vec::new();
    for n in 1..=5 {
        let post = f
            .posts
            .create(ALICE, draft(&format!("Slice {n}"), "x", &[]))
            .await
            .unwrap();
        f.clock.advance(Duration::minutes(1));
        f.posts.publish(ALICE, post.id).await.unwrap();
        ids.push(post.id);
    }
    let titles = |slice: &posts_api::PostSlice| -> Vec<String> {
        slice.posts.iter().map(|p| p.slug.clone()).collect()
    };
    let slice = f
        .posts
        .published_slice(PostFilter::default(), 1, 3)
        .await
        .unwrap();
    assert_eq!(titles(&slice), ["slice-4", "slice-3", "slice-2"]);
    assert_eq!(slice.total, 5);
    let past_the_end = f
        .posts
        .published_slice(PostFilter::default(), 50, 3)
        .await
        .unwrap();
    assert!(past_the_end.posts.is_empty());
    assert_eq!(past_the_end.total, 5);
    let huge = f
        .posts
        .published_slice(PostFilter::default(), u64::MAX, 3)
        .await;
    assert!(matches!(huge, Err(PostsError::Invalid { .. })));
    for limit in [0, 101] {
        assert!(matches!(
            f.posts
                .published_slice(PostFilter::default(), 0, limit)
                .await,
            Err(PostsError::Invalid { .. })
        ));
    }

    f.posts.favorite(BOB.id, ids[0]).await.unwrap();
    f.posts.favorite(BOB.id, ids[3]).await.unwrap();
    f.posts.favorite(EDITOR.id, ids[1]).await.unwrap();
    let mut faved = f.posts.favorited_among(BOB.id, ids.clone()).await.unwrap();
    faved.sort_unstable();
    assert_eq!(faved, [ids[0], ids[3]]);
    assert!(
        f.posts
            .favorited_among(BOB.id, Vec::new())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        f.posts
            .favorited_among(ALICE.id, ids)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Runs each named test on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(kernel::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(kernel::Backend::Postgres).await })*
        }
    };
}

on_both_backends!(
    the_archive_pages_by_year,
    drafts_are_private_until_published,
    slugs_are_unique_follow_drafts_and_redirect_when_published,
    scheduled_posts_go_live_when_their_time_comes,
    unpublish_and_delete_announce_themselves,
    an_update_names_the_tags_the_post_lost,
    only_the_author_or_an_editor_may_change_a_post,
    every_save_of_the_text_keeps_a_revision,
    tags_are_normalised_counted_and_filterable,
    favorites_are_idempotent_and_counted,
    lists_paginate_and_link_neighbours,
    neighbours_of_posts_published_at_one_instant_follow_their_ids,
    slices_start_at_any_offset_and_favorites_are_asked_in_batch,
    bad_input_is_refused_and_nothing_is_written,
    published_documents_walk_every_published_post_in_id_order,
);

async fn create_published_is_all_or_nothing(backend: Backend) {
    let f = fixture(backend);
    let post = f
        .posts
        .create_published(ALICE, draft("At once", "Hello.", &["Now"]))
        .await
        .unwrap();
    assert_eq!(post.status, PostStatus::Published);
    assert_eq!(post.published_at, Some(start()));
    assert_eq!(post.tags, ["now"]);
    assert!(post.body_html.contains("Hello."));
    let SlugLookup::Found(found) = f.by_slug("at-once", None).await.unwrap() else {
        panic!("published post found");
    };
    assert_eq!(*found, post);
    let published = events(&f).await;
    let [PostEvent::PostPublished(document)] = published.as_slice() else {
        panic!("one PostPublished event, not {published:?}");
    };
    assert_eq!(document.post_id, post.id);
    assert_eq!(document.tags, ["now"]);
    assert_eq!(f.posts.revisions(ALICE, post.id).await.unwrap().len(), 1);

    // Refused (nothing to publish): no draft, no event is left behind.
    assert!(matches!(
        f.posts
            .create_published(ALICE, draft("Empty", "  ", &[]))
            .await,
        Err(PostsError::Invalid { .. })
    ));
    assert!(f.posts.posts_of(ALICE).await.unwrap().len() == 1);
    assert!(events(&f).await.is_empty());
}

mod create_published {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::create_published_is_all_or_nothing(kernel::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::create_published_is_all_or_nothing(kernel::Backend::Postgres).await;
    }
}
