//! System prerequisites of the embedded JS engine's build: cmake and the SIMDe headers
//! (Debian's libsimde-dev). Installed with apt-get when running as root; otherwise the
//! exact command is printed and the task stops.

use std::path::Path;
use std::process::Command;

const PACKAGES: [&str; 2] = ["cmake", "libsimde-dev"];

fn have_cmake() -> bool {
    Command::new("cmake").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

fn have_simde() -> bool {
    Path::new("/usr/include/simde/simde-common.h").exists()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

pub fn ensure() -> anyhow::Result<()> {
    if have_cmake() && have_simde() {
        return Ok(());
    }
    let install = format!("apt-get update && apt-get install -y {}", PACKAGES.join(" "));
    if !is_root() {
        anyhow::bail!(
            "missing build prerequisites (cmake, SIMDe headers); install them with:\n    sudo sh -c '{install}'"
        );
    }
    crate::util::step(&format!("installing build prerequisites: {install}"));
    let status = Command::new("sh").arg("-c").arg(format!("DEBIAN_FRONTEND=noninteractive {install}")).status()?;
    if !status.success() || !have_cmake() || !have_simde() {
        anyhow::bail!("installing {} failed ({status})", PACKAGES.join(", "));
    }
    Ok(())
}
