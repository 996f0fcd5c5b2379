//! Prometheus metrics: requests by route pattern and status, their latency, the
//! database pool and the read-audit queue, the process's memory. Rendered in the
//! text exposition format at `GET /metrics`.
//!
//! Routes are labelled by their pattern (`/api/v1/volunteers/{id}`), never the
//! concrete path, and anything unrouted as `unmatched`, so the number of series
//! stays bounded whatever clients send.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

#[derive(Default)]
struct Tables {
    /// (method, route, status) -> requests.
    requests: HashMap<(String, String, u16), u64>,
    /// (method, route) -> latency histogram.
    latency: HashMap<(String, String), Latency>,
}

#[derive(Default)]
pub struct Metrics {
    tables: Mutex<Tables>,
}

/// Readings taken when the metrics are rendered.
pub struct Gauges {
    pub pool_connections: u32,
    pub pool_idle_connections: u32,
    pub read_audit_queued: usize,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: Option<&str>, status: u16, elapsed: Duration) {
        let route = route.unwrap_or("unmatched");
        let Ok(mut tables) = self.tables.lock() else { return };
        *tables.requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        let latency = tables.latency.entry((method.to_owned(), route.to_owned())).or_default();
        let seconds = elapsed.as_secs_f64();
        for (bucket, bound) in latency.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        latency.count += 1;
        latency.sum_seconds += seconds;
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::with_capacity(16 * 1024);
        let _ = self.write_requests(&mut out);
        let _ = write_gauges(&mut out, gauges);
        out
    }

    fn write_requests(&self, out: &mut String) -> std::fmt::Result {
        let Ok(tables) = self.tables.lock() else { return Ok(()) };
        writeln!(out, "# HELP http_requests_total HTTP requests answered, by method, route pattern and status.")?;
        writeln!(out, "# TYPE http_requests_total counter")?;
        let mut requests: Vec<_> = tables.requests.iter().collect();
        requests.sort();
        for ((method, route, status), count) in requests {
            let (method, route) = (escape(method), escape(route));
            writeln!(out, "http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}")?;
        }
        writeln!(out, "# HELP http_request_duration_seconds Time from receiving a request to its response.")?;
        writeln!(out, "# TYPE http_request_duration_seconds histogram")?;
        let mut latency: Vec<_> = tables.latency.iter().collect();
        latency.sort_by(|a, b| a.0.cmp(b.0));
        for ((method, route), histogram) in latency {
            let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
                writeln!(out, "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}")?;
            }
            writeln!(out, "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", histogram.count)?;
            writeln!(out, "http_request_duration_seconds_sum{{{labels}}} {}", histogram.sum_seconds)?;
            writeln!(out, "http_request_duration_seconds_count{{{labels}}} {}", histogram.count)?;
        }
        Ok(())
    }
}

fn write_gauges(out: &mut String, gauges: &Gauges) -> std::fmt::Result {
    let mut gauge = |name: &str, help: &str, value: String| -> std::fmt::Result {
        writeln!(out, "# HELP {name} {help}")?;
        writeln!(out, "# TYPE {name} gauge")?;
        writeln!(out, "{name} {value}")
    };
    gauge("db_pool_connections", "Open database connections in the pool.", gauges.pool_connections.to_string())?;
    gauge(
        "db_pool_idle_connections",
        "Pooled database connections not in use.",
        gauges.pool_idle_connections.to_string(),
    )?;
    gauge(
        "read_audit_queued_entries",
        "Audit entries of personal-data reads waiting to be written.",
        gauges.read_audit_queued.to_string(),
    )?;
    if let Some(bytes) = resident_memory_bytes() {
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", bytes.to_string())?;
    }
    Ok(())
}

/// Label values are quoted: backslash, quote and newline are escaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// `VmRSS` of this process, on Linux.
fn resident_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_pattern_and_bucketed_by_latency() {
        let metrics = Metrics::default();
        metrics.observe("GET", Some("/api/v1/volunteers/{id}"), 200, Duration::from_millis(3));
        metrics.observe("GET", Some("/api/v1/volunteers/{id}"), 200, Duration::from_millis(30));
        metrics.observe("GET", None, 404, Duration::from_micros(200));
        let text = metrics.render(&Gauges { pool_connections: 4, pool_idle_connections: 3, read_audit_queued: 0 });
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="/api/v1/volunteers/{id}",status="200"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"http_requests_total{method="GET",route="unmatched",status="404"} 1"#), "{text}");
        let bucket = |le: &str| {
            format!(
                r#"http_request_duration_seconds_bucket{{method="GET",route="/api/v1/volunteers/{{id}}",le="{le}"}}"#
            )
        };
        assert!(text.contains(&format!("{} 0", bucket("0.0025"))), "{text}");
        assert!(text.contains(&format!("{} 1", bucket("0.005"))), "{text}");
        assert!(text.contains(&format!("{} 2", bucket("0.05"))), "{text}");
        assert!(text.contains("db_pool_idle_connections 3"), "{text}");
    }
}
