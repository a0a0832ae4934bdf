//! Re-embed the migrations when a file under `migrations/kernel/` is added or changed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/kernel");
}
