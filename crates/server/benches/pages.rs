//! Reader pages' hot paths: rendering the post page (a cache miss), looking a page up in the
//! page cache (every anonymous hit), an eviction and refill (every change), and filling a
//! signed-in template (every signed-in reader). `cargo bench -p server --features bench`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use server::bench;

fn post_page(c: &mut Criterion) {
    let page = bench::post_page(2_000, 10);
    c.bench_function("render post page (2,000 words, 10 comments)", |b| {
        b.iter(|| black_box(page.render()))
    });
}

fn page_cache(c: &mut Criterion) {
    let cache = bench::full_cache(1_000, 35_000);
    let mut n = 0;
    c.bench_function("page cache hit (1,000 pages)", |b| {
        b.iter(|| {
            n = (n + 7) % 1_000;
            black_box(cache.get(black_box(n)))
        })
    });
    c.bench_function("page cache miss (1,000 pages)", |b| {
        b.iter(|| black_box(cache.get(black_box(5_000))))
    });
    c.bench_function("page cache evict and refill one page", |b| {
        b.iter(|| {
            n = (n + 7) % 1_000;
            cache.invalidate_and_refill(black_box(n))
        })
    });
}

fn signed_in(c: &mut Criterion) {
    let page = bench::signed_in_page(2_000, 10, 11);
    c.bench_function("fill signed-in template (35 KB, 11 forms)", |b| {
        b.iter(|| black_box(page.fill()))
    });
}

criterion_group!(benches, post_page, page_cache, signed_in);
criterion_main!(benches);
