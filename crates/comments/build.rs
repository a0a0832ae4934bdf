//! Re-embed the migrations when a file under `migrations/comments/` is added or changed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/comments");
}
