//! Placeholder until the generator lands.
pub fn run(_args: &[String]) -> anyhow::Result<()> {
    eprintln!("codegen: generator not available yet");
    Ok(())
}
