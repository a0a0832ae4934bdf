//! The cache's bookkeeping: dependencies, stamps, budget.

use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;

use super::*;

fn page(body: &str, deps: Vec<Dep>) -> CachedPage {
    CachedPage::new(
        HeaderMap::new(),
        "tag".into(),
        Bytes::from(body.to_owned()),
        deps,
    )
}

/// A cache that believes it is current (no outbox behind it).
fn cache(budget: usize) -> PageCache {
    let cache = PageCache::new(budget);
    cache.assume_current();
    cache
}

#[test]
fn invalidation_evicts_exactly_the_pages_depending_on_the_change() {
    let cache = cache(1 << 20);
    let stamp = cache.stamp();
    assert!(cache.insert("/posts/a".into(), page("a", vec![Dep::Post(1)]), stamp));
    assert!(cache.insert(
        "/tags/rust".into(),
        page("t", vec![Dep::Tag("rust".into()), Dep::Profile(7)]),
        stamp
    ));
    assert!(cache.insert("/".into(), page("h", vec![Dep::Listing]), stamp));

    assert_eq!(cache.invalidate(&[Dep::Tag("go".into()), Dep::Post(2)]), 0);
    assert_eq!(cache.invalidate(&[Dep::Profile(7)]), 1);
    assert!(cache.get("/tags/rust").is_none());
    assert!(cache.get("/posts/a").is_some());
    assert!(cache.get("/").is_some());
    assert_eq!(cache.invalidate(&[Dep::Post(1), Dep::Listing]), 2);
    assert_eq!(cache.usage(), (0, 0));
}

#[test]
fn a_page_rendered_across_an_invalidation_is_not_stored() {
    let cache = cache(1 << 20);
    let stamp = cache.stamp();
    cache.invalidate(&[Dep::Post(1)]);
    assert!(!cache.insert("/posts/a".into(), page("old", vec![Dep::Post(1)]), stamp));
    assert!(cache.get("/posts/a").is_none());
}

#[test]
fn nothing_is_served_until_the_cache_follows_the_outbox() {
    let cache = PageCache::new(1 << 20);
    assert!(cache.insert("/".into(), page("h", vec![Dep::Listing]), cache.stamp()));
    assert!(cache.get("/").is_none());
}

#[test]
fn the_budget_drops_the_least_recently_used_pages() {
    let body = "x".repeat(1000);
    let one = page(&body, Vec::new()).charge("/p/0");
    let cache = cache(one * 10);
    for i in 0..10 {
        assert!(cache.insert(format!("/p/{i}"), page(&body, Vec::new()), cache.stamp()));
        if i == 3 {
            // Read /p/0 so it is no longer the oldest.
            assert!(cache.get("/p/0").is_some());
        }
    }
    assert!(cache.insert("/p/10".into(), page(&body, Vec::new()), cache.stamp()));
    let (bytes, pages) = cache.usage();
    assert!(bytes <= one * 10, "{bytes} over budget");
    assert!(pages < 11);
    assert!(cache.get("/p/0").is_some(), "recently read pages stay");
    assert!(cache.get("/p/1").is_none(), "the oldest went first");
    assert!(cache.get("/p/10").is_some());
}

#[test]
fn oversized_pages_and_a_zero_budget_store_nothing() {
    let cache = cache(4096);
    assert!(!cache.insert("/big".into(), page(&"x".repeat(2000), Vec::new()), 0));
    let off = PageCache::new(0);
    assert!(!off.enabled());
    assert!(!off.insert("/".into(), page("h", Vec::new()), 0));
}

#[test]
fn compressed_forms_have_their_own_etags() {
    let page = page(&"<p>hello</p>".repeat(100), Vec::new());
    let (plain, used) = page.body(Encoding::Identity);
    assert_eq!((plain.len(), used), (1200, Encoding::Identity));
    let (gz, used) = page.body(Encoding::Gzip);
    assert_eq!(used, Encoding::Gzip);
    assert!(gz.len() < plain.len());
    assert_eq!(page.etag_for(Encoding::Gzip), "tag-gzip");
    assert_eq!(page.etag_for(Encoding::Brotli), "tag-br");
    assert_eq!(page.etag_for(Encoding::Identity), "tag");
}
