//! Prometheus metrics: requests by route pattern and status, their latency, the
//! database pool and the read-audit queue, the process's memory. Rendered in the
//! text exposition format at `GET /metrics`.
//!
//! Routes are labelled by their pattern (`/api/v1/volunteers/{id}`), never the
//! concrete path, and anything unrouted as `unmatched`, so the number of series
//! stays bounded whatever clients send.
//!
//! Each application owns its registry (no process-wide default registry), so two
//! apps in one process, as in the tests, count apart. Counting a request takes
//! no lock of our own and allocates nothing once its series exists: the
//! `prometheus` crate finds the series under a shared read lock and adds to
//! atomics.

use std::time::Duration;

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle_connections: IntGauge,
    read_audit_queued: IntGauge,
    /// Absent where the process's memory cannot be read (not Linux).
    resident_memory: Option<IntGauge>,
}

/// Readings taken when the metrics are rendered.
pub struct Gauges {
    pub pool_connections: u32,
    pub pool_idle_connections: u32,
    pub read_audit_queued: usize,
}

impl Metrics {
    /// A fresh registry with every metric of the API registered.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered, by method, route pattern and status."),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time from receiving a request to its response.")
                .buckets(BUCKETS.to_vec()),
            &["method", "route"],
        )?;
        let gauge = |name: &str, help: &str| -> Result<IntGauge, prometheus::Error> {
            let gauge = IntGauge::new(name, help)?;
            registry.register(Box::new(gauge.clone()))?;
            Ok(gauge)
        };
        let pool_connections = gauge("db_pool_connections", "Open database connections in the pool.")?;
        let pool_idle_connections = gauge("db_pool_idle_connections", "Pooled database connections not in use.")?;
        let read_audit_queued =
            gauge("read_audit_queued_entries", "Audit entries of personal-data reads waiting to be written.")?;
        let resident_memory = match resident_memory_bytes() {
            Some(_) => Some(gauge("process_resident_memory_bytes", "Resident memory size in bytes.")?),
            None => None,
        };
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle_connections,
            read_audit_queued,
            resident_memory,
        })
    }

    pub fn observe(&self, method: &str, route: Option<&str>, status: u16, elapsed: Duration) {
        let route = route.unwrap_or("unmatched");
        // The status as text without allocating: three ASCII digits.
        let mut digits = [0u8; 5];
        let status = format_status(status, &mut digits);
        // An error here means a label count that does not match the metric's,
        // a bug caught by the tests; a request is never failed for a metric.
        if let Ok(counter) = self.requests.get_metric_with_label_values(&[method, route, status]) {
            counter.inc();
        }
        if let Ok(histogram) = self.latency.get_metric_with_label_values(&[method, route]) {
            histogram.observe(elapsed.as_secs_f64());
        }
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self, gauges: &Gauges) -> String {
        self.pool_connections.set(i64::from(gauges.pool_connections));
        self.pool_idle_connections.set(i64::from(gauges.pool_idle_connections));
        self.read_audit_queued.set(i64::try_from(gauges.read_audit_queued).unwrap_or(i64::MAX));
        if let (Some(gauge), Some(bytes)) = (&self.resident_memory, resident_memory_bytes()) {
            gauge.set(i64::try_from(bytes).unwrap_or(i64::MAX));
        }
        let mut out = Vec::with_capacity(16 * 1024);
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %err, "cannot render the metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Writes `status` (at most five digits, a `u16`) into `buf` and returns it as text.
fn format_status(status: u16, buf: &mut [u8; 5]) -> &str {
    let mut start = buf.len();
    let mut rest = status;
    loop {
        start -= 1;
        buf[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[start..]).unwrap_or("0")
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

    fn gauges() -> Gauges {
        Gauges { pool_connections: 4, pool_idle_connections: 3, read_audit_queued: 0 }
    }

    #[test]
    fn requests_are_counted_by_pattern_and_bucketed_by_latency() {
        let metrics = Metrics::new().unwrap();
        metrics.observe("GET", Some("/api/v1/volunteers/{id}"), 200, Duration::from_millis(3));
        metrics.observe("GET", Some("/api/v1/volunteers/{id}"), 200, Duration::from_millis(30));
        metrics.observe("GET", None, 404, Duration::from_micros(200));
        let text = metrics.render(&gauges());
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
        assert!(text.contains(&format!("{} 2", bucket("+Inf"))), "{text}");
        assert!(text.contains("# TYPE http_request_duration_seconds histogram"), "{text}");
        assert!(text.contains("# TYPE http_requests_total counter"), "{text}");
        assert!(text.contains("db_pool_idle_connections 3"), "{text}");
        assert!(text.contains("read_audit_queued_entries 0"), "{text}");
    }

    #[test]
    fn two_registries_count_apart() {
        let (one, other) = (Metrics::new().unwrap(), Metrics::new().unwrap());
        one.observe("GET", None, 404, Duration::from_millis(1));
        assert!(one.render(&gauges()).contains(r#"route="unmatched",status="404"} 1"#));
        assert!(!other.render(&gauges()).contains("unmatched"));
    }

    #[test]
    fn statuses_are_written_without_allocating() {
        let mut buf = [0u8; 5];
        assert_eq!(format_status(404, &mut buf), "404");
        assert_eq!(format_status(0, &mut buf), "0");
        assert_eq!(format_status(u16::MAX, &mut buf), "65535");
    }
}
