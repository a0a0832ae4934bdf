//! Cost of one password verification with the production argon2id parameters: the work a
//! sign-in does on the blocking pool (a sign-in with an unknown login costs the same, as it
//! verifies against a dummy hash).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use profiles::passwords::{ITERATIONS, LANES, MEMORY_KIB, hash_password, verify_password};

const PASSWORD: &str = "correct horse battery staple";

fn bench(c: &mut Criterion) {
    let hash = match hash_password(PASSWORD) {
        Ok(hash) => hash,
        Err(error) => panic!("hashing failed: {error}"),
    };
    let mut group = c.benchmark_group("sign_in");
    // About 30 ms an iteration: fewer, longer samples keep the run short and stable.
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    let params = format!("m={MEMORY_KIB} KiB, t={ITERATIONS}, p={LANES}");
    group.bench_function(format!("verify password, match ({params})"), |b| {
        b.iter(|| assert!(verify_password(black_box(PASSWORD), black_box(&hash))));
    });
    group.bench_function(format!("verify password, mismatch ({params})"), |b| {
        b.iter(|| {
            assert!(!verify_password(
                black_box("wrong password!"),
                black_box(&hash)
            ))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
