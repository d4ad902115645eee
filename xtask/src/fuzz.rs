//! `cargo xtask fuzz`: not written yet.
pub fn run(_args: &[String]) -> anyhow::Result<()> {
    anyhow::bail!("cargo xtask fuzz is not implemented yet")
}
