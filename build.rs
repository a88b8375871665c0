// A new migration or locale file must rebuild the crate: both are embedded at compile time.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=plans");
}
