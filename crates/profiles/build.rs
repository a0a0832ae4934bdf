//! Re-embed the migrations when a file under `migrations/profiles/` is added or changed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/profiles");
}
