//! The maintained counts (published posts, and published posts per tag) stay equal to counting from scratch through every kind of
//! change to posts, on SQLite and PostgreSQL, also when several instances change the same
//! posts at once.

use std::sync::Arc;

use chrono::Duration;
use diesel::prelude::*;
use kernel::outbox::OutboxSignal;
use kernel::{Backend, DbConnection, DbPool};
use posts_api::{PostDraft, PostFilter, PostsPort};

use crate::SqlPosts;
use crate::schema::{post_tags, posts};
use crate::tests::{ALICE, BOB, EDITOR, Fixture, draft, fixture, start};

/// Counts from scratch, the way the tag list used to: published posts per tag.
fn recounted(conn: &mut DbConnection) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = post_tags::table
        .inner_join(posts::table.on(posts::id.eq(post_tags::post_id)))
        .filter(posts::status.eq("published"))
        .group_by(post_tags::tag)
        .select((post_tags::tag, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)
        .unwrap()
        .into_iter()
        .map(|(tag, n)| (tag, u64::try_from(n).unwrap()))
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

/// Tag rows whose listing time disagrees with their post's: a published post's tags carry
/// its publication time (their list's order), any other post's carry none.
fn misdated_tag_rows(conn: &mut DbConnection) -> i64 {
    let joined = || post_tags::table.inner_join(posts::table.on(posts::id.eq(post_tags::post_id)));
    let published: i64 = joined()
        .filter(posts::status.eq("published"))
        .filter(
            post_tags::published_at
                .is_null()
                .or(post_tags::published_at.ne(posts::published_at)),
        )
        .count()
        .get_result(conn)
        .unwrap();
    let unlisted: i64 = joined()
        .filter(posts::status.ne("published"))
        .filter(post_tags::published_at.is_not_null())
        .count()
        .get_result(conn)
        .unwrap();
    published + unlisted
}

/// The tag list as the port answers it.
async fn listed(posts: &SqlPosts) -> Vec<(String, u64)> {
    posts
        .tags()
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.tag, t.count))
        .collect()
}

/// Asserts the maintained counts (the tag list, the totals of the whole list and of each
/// tag's list) equal a recount, and returns the tag counts.
async fn exact(pool: &DbPool, posts: &SqlPosts, after: &str) -> Vec<(String, u64)> {
    let maintained = listed(posts).await;
    let mut conn = pool.get().unwrap();
    let recount = recounted(&mut conn);
    assert_eq!(maintained, recount, "tags after {after}");
    assert_eq!(
        misdated_tag_rows(&mut conn),
        0,
        "tag rows' dates after {after}"
    );
    let published: i64 = posts::table
        .filter(posts::status.eq("published"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    drop(conn);
    let total = |filter| async { posts.published_slice(filter, 0, 1).await.unwrap().total };
    // The lists end where the counts say (their statements skip the walk past that point).
    let listed_at = |filter, offset| async move {
        let slice = posts.published_slice(filter, offset, 1).await.unwrap();
        (slice.posts.len(), slice.total)
    };
    let published = u64::try_from(published).unwrap();
    assert_eq!(
        total(PostFilter::default()).await,
        published,
        "total after {after}"
    );
    if published > 0 {
        let last = listed_at(PostFilter::default(), published - 1).await;
        assert_eq!(last, (1, published), "last post after {after}");
    }
    let past = listed_at(PostFilter::default(), published).await;
    assert_eq!(past, (0, published), "past the last post after {after}");
    for (tag, count) in &recount {
        let filter = || PostFilter {
            tag: Some(tag.to_uppercase()),
            ..PostFilter::default()
        };
        assert_eq!(
            total(filter()).await,
            *count,
            "total of {tag} after {after}"
        );
        let last = listed_at(filter(), count - 1).await;
        assert_eq!(last, (1, *count), "last post of {tag} after {after}");
        let past = listed_at(filter(), *count).await;
        assert_eq!(
            past,
            (0, *count),
            "past the last post of {tag} after {after}"
        );
    }
    let unknown = PostFilter {
        tag: Some("no such tag".into()),
        ..PostFilter::default()
    };
    assert_eq!(total(unknown).await, 0);
    maintained
}

fn pairs(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected
        .iter()
        .map(|(t, n)| ((*t).to_owned(), *n))
        .collect()
}

fn with_tags(post: &posts_api::Post, tags: &[&str]) -> PostDraft {
    PostDraft {
        title: post.title.clone(),
        description: post.description.clone(),
        body_markdown: post.body_markdown.clone(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        cover_image_url: post.cover_image_url.clone(),
        slug: None,
    }
}

async fn counts_follow_every_kind_of_change(backend: Backend) {
    let Fixture {
        pool, posts, clock, ..
    } = &fixture(backend);
    let a = posts
        .create(ALICE, draft("A", "a", &["rust", "web"]))
        .await
        .unwrap();
    let b = posts
        .create(ALICE, draft("B", "b", &["Rust"]))
        .await
        .unwrap();
    let c = posts
        .create(BOB, draft("C", "c", &["cooking"]))
        .await
        .unwrap();
    assert!(exact(pool, posts, "drafts").await.is_empty());

    posts.publish(ALICE, a.id).await.unwrap();
    posts.publish(ALICE, b.id).await.unwrap();
    assert_eq!(
        exact(pool, posts, "publish").await,
        pairs(&[("rust", 2), ("web", 1)])
    );
    // Publishing again changes nothing.
    posts.publish(ALICE, a.id).await.unwrap();
    exact(pool, posts, "publish twice").await;

    // A published post's tags edited: one gained, one lost, one kept.
    let a = posts
        .update(ALICE, a.id, with_tags(&a, &["rust", "design"]))
        .await
        .unwrap();
    assert_eq!(
        exact(pool, posts, "update").await,
        pairs(&[("rust", 2), ("design", 1)])
    );
    // A draft's tags edited: nothing counted.
    let c = posts
        .update(BOB, c.id, with_tags(&c, &["cooking", "rust"]))
        .await
        .unwrap();
    exact(pool, posts, "draft update").await;

    // Restoring the first revision brings back nothing but the text; tags stay.
    let revisions = posts.revisions(ALICE, a.id).await.unwrap();
    let oldest = revisions.last().unwrap().id;
    posts.restore_revision(ALICE, a.id, oldest).await.unwrap();
    exact(pool, posts, "restore").await;

    // Unpublished, then published again.
    posts.unpublish(ALICE, b.id).await.unwrap();
    assert_eq!(
        exact(pool, posts, "unpublish").await,
        pairs(&[("design", 1), ("rust", 1)])
    );
    posts.unpublish(ALICE, b.id).await.unwrap();
    exact(pool, posts, "unpublish twice").await;
    posts.publish(ALICE, b.id).await.unwrap();
    exact(pool, posts, "republish").await;

    // Scheduled: not counted until its time comes, then counted once.
    let at = start() + Duration::hours(1);
    posts.schedule(BOB, c.id, at).await.unwrap();
    exact(pool, posts, "schedule").await;
    clock.advance(Duration::hours(2));
    assert_eq!(posts.publish_due().await.unwrap(), vec![c.id]);
    assert!(posts.publish_due().await.unwrap().is_empty());
    assert_eq!(
        exact(pool, posts, "scheduled publication").await,
        pairs(&[("rust", 3), ("cooking", 1), ("design", 1)])
    );
    // Scheduled, then taken back before its time: never counted.
    let d = posts
        .create(BOB, draft("D", "d", &["later"]))
        .await
        .unwrap();
    posts
        .schedule(BOB, d.id, start() + Duration::days(1))
        .await
        .unwrap();
    posts.unpublish(BOB, d.id).await.unwrap();
    clock.advance(Duration::days(2));
    assert!(posts.publish_due().await.unwrap().is_empty());
    exact(pool, posts, "schedule withdrawn").await;

    // Deleted: a published post's tags go, a draft's never counted.
    posts.delete(EDITOR, a.id).await.unwrap();
    posts.delete(BOB, d.id).await.unwrap();
    assert_eq!(
        exact(pool, posts, "delete").await,
        pairs(&[("rust", 2), ("cooking", 1)])
    );
    posts.delete(ALICE, b.id).await.unwrap();
    posts.delete(BOB, c.id).await.unwrap();
    assert!(exact(pool, posts, "all deleted").await.is_empty());
}

/// Several instances (each its own pool, as separate processes would have) change the same
/// posts at once: publish, unpublish, retag, delete and run their schedulers. The counts
/// still equal a recount afterwards.
async fn concurrent_instances_keep_counts_exact(backend: Backend) {
    let f = fixture(backend);
    let instances: Vec<Arc<SqlPosts>> = (0..3)
        .map(|_| {
            let pool = DbPool::connect(f._db.url()).unwrap();
            Arc::new(SqlPosts::new(
                pool,
                Arc::new(f.clock.clone()),
                OutboxSignal::new(),
            ))
        })
        .collect();
    let mut ids = Vec::new();
    for n in 0..6 {
        let post = f
            .posts
            .create(
                ALICE,
                draft(&format!("Post {n}"), "text", &["shared", "odd"]),
            )
            .await
            .unwrap();
        if n % 2 == 0 {
            f.posts
                .schedule(ALICE, post.id, start() + Duration::minutes(1))
                .await
                .unwrap();
        }
        ids.push(post.id);
    }
    f.clock.advance(Duration::minutes(5));
    let mut tasks = Vec::new();
    for (i, posts) in instances.iter().enumerate() {
        for round in 0..4 {
            let posts = Arc::clone(posts);
            let ids = ids.clone();
            tasks.push(tokio::spawn(async move {
                // Refusals (a post deleted meanwhile) are fine; counts must stay exact.
                let _ = posts.publish_due().await;
                for (k, id) in ids.iter().enumerate() {
                    let id = *id;
                    let _ = match (i + k + round) % 4 {
                        0 => posts.publish(ALICE, id).await.map(|_| ()),
                        1 => posts.unpublish(ALICE, id).await.map(|_| ()),
                        2 => match posts.post_by_slug(&format!("post-{k}"), Some(ALICE)).await {
                            Ok(posts_api::SlugLookup::Found(post)) => {
                                let tags: &[&str] = if round % 2 == 0 {
                                    &["shared", "even"]
                                } else {
                                    &["shared", "odd"]
                                };
                                posts
                                    .update(ALICE, id, with_tags(&post, tags))
                                    .await
                                    .map(|_| ())
                            }
                            _ => Ok(()),
                        },
                        _ => posts.publish(ALICE, id).await.map(|_| ()),
                    };
                }
                if i == 2 && round == 3 {
                    let _ = posts.delete(ALICE, ids[0]).await;
                }
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    exact(&f.pool, &f.posts, "concurrent changes").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_counts_follow_every_kind_of_change() {
    counts_follow_every_kind_of_change(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_counts_follow_every_kind_of_change() {
    counts_follow_every_kind_of_change(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_instances_keep_counts_exact() {
    concurrent_instances_keep_counts_exact(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_instances_keep_counts_exact() {
    concurrent_instances_keep_counts_exact(Backend::Postgres).await;
}
