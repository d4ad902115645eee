//! Facts about the machine the figures were measured on, read from `/proc`: cores, CPU
//! model, load, how busy the CPUs are and how much of them other processes used, plus the
//! date. Waiting for an idle machine (`--wait-quiet`) lives here too, as it only reads
//! these facts.

use std::time::{Duration, Instant};

/// CPU busy fraction below which the machine counts as idle.
pub const QUIET: f64 = 0.10;

pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> Vec<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default()
}

/// The whole machine's cumulative CPU time and its idle part, in clock ticks.
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    let total: u64 = fields.iter().take(8).sum();
    // idle + iowait
    let idle = fields.get(3)? + fields.get(4).unwrap_or(&0);
    Some((total, idle))
}

/// The fraction of all CPUs' time spent busy over `interval`.
pub fn cpu_busy(interval: Duration) -> Option<f64> {
    let (total0, idle0) = machine_ticks()?;
    std::thread::sleep(interval);
    let (total1, idle1) = machine_ticks()?;
    let total = total1.saturating_sub(total0);
    (total > 0).then(|| 1.0 - idle1.saturating_sub(idle0) as f64 / total as f64)
}

/// Wait until the machine is idle, at most `minutes`.
pub fn wait_quiet(minutes: u64) {
    let deadline = Instant::now() + Duration::from_secs(minutes * 60);
    loop {
        match cpu_busy(Duration::from_secs(2)) {
            Some(busy) if busy > QUIET && Instant::now() < deadline => {
                eprintln!("bench: waiting for an idle machine (CPUs {:.0}% busy)", busy * 100.0);
                std::thread::sleep(Duration::from_secs(10));
            }
            Some(busy) if busy > QUIET => {
                eprintln!("bench: gave up waiting after {minutes} min; measuring on a busy machine");
                return;
            }
            _ => return,
        }
    }
}

/// Cumulative CPU time: the whole machine's (busy and all) and this process's own plus
/// that of its waited-for children, in clock ticks.
pub struct CpuSnapshot {
    total: u64,
    idle: u64,
    ours: u64,
}

impl CpuSnapshot {
    pub fn take() -> Option<Self> {
        let (total, idle) = machine_ticks()?;
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        let after_name = own.rsplit_once(')')?.1;
        let own_fields: Vec<u64> = after_name.split_whitespace().map(|x| x.parse().unwrap_or(0)).collect();
        // utime, stime, cutime, cstime: fields 14-17 of the line, 11-14 after the name.
        let ours = own_fields.get(11..15)?.iter().sum();
        Some(CpuSnapshot { total, idle, ours })
    }

    /// The share of the machine's CPU time from `self` to `later` used by other processes.
    pub fn foreign_share(&self, later: &CpuSnapshot) -> f64 {
        let total = later.total.saturating_sub(self.total);
        if total == 0 {
            return 0.0;
        }
        let busy = total.saturating_sub(later.idle.saturating_sub(self.idle));
        busy.saturating_sub(later.ours.saturating_sub(self.ours)) as f64 / total as f64
    }
}

pub fn now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

pub fn date() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("unix time {}", now_nanos() / 1_000_000_000))
}
