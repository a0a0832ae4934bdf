//! Re-embed the migrations when a file under `migrations/posts/` is added or changed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/posts");
}
