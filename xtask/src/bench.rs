//! `cargo xtask bench`: not written yet.
pub fn run(_args: &[String]) -> anyhow::Result<()> {
    anyhow::bail!("cargo xtask bench is not implemented yet")
}
