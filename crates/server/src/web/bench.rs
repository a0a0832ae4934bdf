//! The hot paths of reader pages, reachable from the criterion benches in `benches/` (built
//! only with the `bench` feature): rendering the post page, looking pages up in the page
//! cache, and filling a signed-in template.

use std::collections::HashSet;
use std::fmt::Write;

use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;
use serde_json::{Value, json};

use super::chrome::Chrome;
use super::page_cache::{
    CachedPage, Dep, Encoding, PageCache, PersonalTemplate, Slots, TemplatePost,
};
use super::{AssetUrls, Pages};
use crate::site::{Site, SiteSettings};

/// A post page ready to render: the templates and the values the post handler passes them.
pub struct PostPage {
    pages: Pages,
    values: Vec<(&'static str, Value)>,
}

/// The post page of a post of `words` words (in paragraphs of 100) with `comments` comments,
/// shaped as the post handler fills the template.
pub fn post_page(words: usize, comments: usize) -> PostPage {
    let pages = pages();
    let mut body = String::new();
    for paragraph in 0..words.div_ceil(100) {
        body.push_str("<p>");
        for word in 0..100 {
            let _ = write!(body, "word{} ", (paragraph * 100 + word) % 97);
        }
        body.push_str("</p>\n");
    }
    let comment_list: Vec<Value> = (0..comments)
        .map(|n| {
            json!({
                "id": n, "depth": 0, "placeholder": null, "status": "visible",
                "author": {"username": format!("reader{n}"), "display_name": format!("Reader {n}")},
                "permalink": format!("/posts/a-post#comment-{n}"),
                "created_at": "2026-11-01T09:00:00Z", "created_on": "1 November 2026, 09:00 UTC",
                "edited": false, "body_html": "<p>A thoughtful answer, a few lines long.</p>",
                "may_edit": false, "own": false, "moderate": false, "reply": null,
            })
        })
        .collect();
    let values = vec![
        (
            "post",
            json!({
                "path": "a-post", "title": "A post", "description": "About a post",
                "body_html": body, "status": "published",
                "published_at": "2026-11-01T09:00:00Z", "published_on": "1 November 2026",
                "updated_at": "2026-11-01T09:00:00Z", "updated_on": "1 November 2026",
                "reading_minutes": words / 200,
                "tags": [{"name": "rust", "path": "rust"}, {"name": "web", "path": "web"}],
                "toc": [], "canonical_url": "http://localhost/posts/a-post",
                "cover_image_url": null, "json_ld": "{}",
            }),
        ),
        (
            "author",
            json!({"username": "writer", "display_name": "The Writer", "bio_html": "<p>Writes.</p>", "avatar_url": null}),
        ),
        ("may_edit", json!(false)),
        ("older", json!({"slug": "older", "title": "Older"})),
        ("newer", Value::Null),
        ("comment_count", json!(comments)),
        (
            "comments",
            json!({
                "count": comments, "comments": comment_list, "moderates": false, "open": true,
                "form": null, "sign_in_url": "/login?next=%2Fposts%2Fa-post%23comments",
                "notice": null, "error": null,
            }),
        ),
    ];
    PostPage { pages, values }
}

impl PostPage {
    /// Renders the page for an anonymous reader (the values are copied in, as the handler
    /// serialises its own).
    pub fn render(&self) -> String {
        self.pages
            .render(&Chrome::anonymous(), "post.html", |context| {
                for (name, value) in &self.values {
                    context.insert(*name, value);
                }
            })
            .unwrap_or_default()
    }
}

fn pages() -> Pages {
    let assets = AssetUrls {
        stylesheet: "/assets/style.0123456789abcdef.css".into(),
        highlight: "/assets/highlight.0123456789abcdef.css".into(),
        editor_js: "/assets/editor.0123456789abcdef.js".into(),
    };
    let site = Site::new(SiteSettings::defaults("Quire", "http://localhost"));
    // The templates are embedded and checked by the unit tests; they cannot fail here.
    #[allow(clippy::expect_used)]
    Pages::new(site, assets).expect("the embedded templates compile")
}

/// A page cache holding `pages` pages of `bytes` bytes each, under paths `/posts/{n}`.
pub struct FullCache {
    cache: PageCache,
    pages: usize,
}

/// A cache with room for all of them, each depending on its own post and on the listing.
pub fn full_cache(pages: usize, bytes: usize) -> FullCache {
    let cache = PageCache::new(pages * bytes * 4 + (1 << 20));
    cache.assume_current();
    let body = Bytes::from(vec![b'x'; bytes]);
    for n in 0..pages {
        let page = CachedPage::new(
            HeaderMap::new(),
            format!("etag{n}"),
            body.clone(),
            vec![Dep::Post(n as i64), Dep::Listing],
        );
        cache.insert(format!("/posts/{n}"), page, cache.stamp());
    }
    FullCache { cache, pages }
}

impl FullCache {
    /// Looks up page `n` (a hit when `n` is below the number of pages); returns its body's
    /// length, 0 on a miss.
    pub fn get(&self, n: usize) -> usize {
        self.cache
            .get(&format!("/posts/{n}"))
            .map_or(0, |page| page.body(Encoding::Identity).0.len())
    }

    /// Evicts page `n` through its post and stores it again: one change and the next miss.
    pub fn invalidate_and_refill(&self, n: usize) {
        let n = n % self.pages;
        self.cache.invalidate(&[Dep::Post(n as i64)]);
        let page = CachedPage::new(
            HeaderMap::new(),
            format!("etag{n}"),
            Bytes::from_static(b"refilled"),
            vec![Dep::Post(n as i64), Dep::Listing],
        );
        self.cache
            .insert(format!("/posts/{n}"), page, self.cache.stamp());
    }
}

/// A signed-in template of a post page and a reader's header.
pub struct SignedInPage {
    template: PersonalTemplate,
    header: String,
}

/// The post page of [`post_page`] as a signed-in template with `forms` comment forms.
pub fn signed_in_page(words: usize, comments: usize, forms: usize) -> SignedInPage {
    let slots = Slots::new();
    let page = post_page(words, comments);
    let mut html = page.render();
    // The anonymous page's header, replaced by the slot; the forms' key slots at the end.
    if let (Some(start), Some(end)) = (
        html.find("<header class=\"site-header\""),
        html.find("</header>"),
    ) {
        html.replace_range(start..end + "</header>".len(), &slots.header());
    }
    for _ in 0..forms {
        let _ = write!(
            html,
            "<input type=\"hidden\" name=\"csrf_token\" value=\"{}\"><input type=\"hidden\" name=\"idempotency_key\" value=\"{}\">",
            slots.csrf(),
            slots.key()
        );
    }
    // A template always has its header slot; without one the benches have nothing to fill.
    #[allow(clippy::expect_used)]
    let post = TemplatePost {
        id: 1,
        author_id: 1,
        slug: "bench".into(),
    };
    let template = PersonalTemplate::parse(html, &slots, HashSet::from([1]), post)
        .expect("the page has one header slot");
    let header =
        "<header class=\"site-header\"><a href=\"/authors/visitor\">visitor</a></header>".repeat(4);
    SignedInPage { template, header }
}

impl SignedInPage {
    /// Fills the template for one reader, with fresh keys.
    pub fn fill(&self) -> String {
        self.template.fill(
            &self.header,
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            super::comment_view::random_key,
            None,
        )
    }
}
