//! Refusals before routing, through a real server on port 0 and a raw TCP
//! client: the connection layer (`outreach::edge`) turns each into a problem
//! document where actix-http alone answers with an empty body.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use outreach::startup::{Listen, http_server};
use serde_json::Value;

use crate::helpers::TestApp;

/// A server for `app` on a free port; stopped when dropped.
pub struct RealServer {
    pub addr: std::net::SocketAddr,
    handle: actix_server::ServerHandle,
}

impl RealServer {
    pub async fn start(app: &TestApp) -> Self {
        let mut state = app.state.clone();
        let mut config = (*state.config).clone();
        config.http_workers = 1;
        state.config = std::sync::Arc::new(config);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = http_server(state, Listen::Listener(listener)).unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self { addr, handle }
    }

    /// Sends `request` as raw bytes and reads until the server closes the connection.
    pub async fn exchange(&self, request: Vec<u8>) -> String {
        let addr = self.addr;
        actix_web::web::block(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            stream.write_all(&request).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            String::from_utf8_lossy(&answer).into_owned()
        })
        .await
        .unwrap()
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

/// One response read off the wire: status, headers (lower-case names), body.
type RawResponse = (u16, Vec<(String, String)>, String);

/// The responses in `raw`, in order.
fn responses(raw: &str) -> Vec<RawResponse> {
    let mut found = Vec::new();
    let mut rest = raw;
    while let Some(head_end) = rest.find("\r\n\r\n") {
        let head = &rest[..head_end];
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        let length: usize =
            headers.iter().find(|(name, _)| name == "content-length").map_or(0, |(_, value)| value.parse().unwrap());
        let body_start = head_end + 4;
        found.push((status, headers, rest[body_start..body_start + length].to_owned()));
        rest = &rest[body_start + length..];
    }
    found
}

/// The one problem document of `status` in `raw` (the last response).
#[track_caller]
fn last_problem(raw: &str, status: u16) -> Value {
    let all = responses(raw);
    let (got, headers, body) = all.last().unwrap_or_else(|| panic!("no response in {raw:?}"));
    assert_eq!(*got, status, "{raw}");
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    assert_eq!(header("content-type"), Some("application/problem+json"), "{raw}");
    let problem: Value = serde_json::from_str(body).unwrap();
    assert_eq!(problem["status"], status);
    assert_eq!(Some(problem["request_id"].as_str().unwrap()), header("x-request-id"));
    for member in ["type", "title", "detail", "instance", "code"] {
        assert!(problem[member].is_string(), "{problem}");
    }
    problem
}

#[actix_web::test]
async fn a_one_megabyte_header_gets_a_431_problem_document() {
    let app = TestApp::sqlite().await;
    let server = RealServer::start(&app).await;
    let mut request = b"GET /api/v1/branches HTTP/1.1\r\nHost: localhost\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    request.extend_from_slice(b"\r\n\r\n");
    let problem = last_problem(&server.exchange(request).await, 431);
    assert_eq!(problem["code"], "malformed_request");
    assert_eq!(problem["errors"][0]["field"], "headers");
    assert_eq!(problem["instance"], "/api/v1/branches");
}

#[actix_web::test]
async fn too_many_header_fields_get_a_431_problem_document() {
    let app = TestApp::sqlite().await;
    let server = RealServer::start(&app).await;
    let fields: String = (0..100).map(|n| format!("x-field-{n}: {n}\r\n")).collect();
    let request = format!("GET /api/v1/branches HTTP/1.1\r\nHost: localhost\r\n{fields}\r\n");
    last_problem(&server.exchange(request.into_bytes()).await, 431);
}

#[actix_web::test]
async fn an_overlong_url_gets_a_414_problem_document() {
    let app = TestApp::sqlite().await;
    let server = RealServer::start(&app).await;
    let request = format!("GET /api/v1/branches?q={} HTTP/1.1\r\nHost: localhost\r\n\r\n", "k".repeat(64 * 1024));
    let problem = last_problem(&server.exchange(request.into_bytes()).await, 414);
    assert_eq!(problem["errors"][0]["field"], "url");
}

#[actix_web::test]
async fn a_malformed_request_head_gets_a_400_problem_document() {
    let app = TestApp::sqlite().await;
    let server = RealServer::start(&app).await;
    for request in [
        "GET /api/v1/branches HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n",
        "GET /api/v1/branches HTTP/1.1\r\n\r\n",
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 12x\r\n\r\n",
    ] {
        let problem = last_problem(&server.exchange(request.as_bytes().to_vec()).await, 400);
        assert_eq!(problem["code"], "malformed_request", "{request}");
    }
}

#[actix_web::test]
async fn requests_before_a_refused_one_on_the_same_connection_are_answered() {
    let app = TestApp::sqlite().await;
    let server = RealServer::start(&app).await;
    let login = r#"{"email":"nobody@outreach.test","password":"wrong password 1"}"#;
    let mut request = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{login}",
        login.len()
    )
    .into_bytes();
    request.extend_from_slice(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    let half = login.len() / 2;
    for part in [&login[..half], &login[half..]] {
        request.extend_from_slice(format!("{:x}\r\n{part}\r\n", part.len()).as_bytes());
    }
    request.extend_from_slice(b"0\r\n\r\nGET /api/v1/branches HTTP/1.1\r\nHost: localhost\r\n\r\n");
    request.extend_from_slice(b"GET /api/v1/branches HTTP/1.1\r\nHost: localhost\r\nX-Big: ");
    request.extend(std::iter::repeat_n(b'b', 100 * 1024));
    request.extend_from_slice(b"\r\n\r\n");
    let raw = server.exchange(request).await;
    let statuses: Vec<u16> = responses(&raw).iter().map(|(status, _, _)| *status).collect();
    assert_eq!(statuses, [401, 401, 200, 431], "{raw}");
    last_problem(&raw, 431);
}

#[actix_web::test]
async fn ordinary_requests_pass_the_connection_layer_unchanged() {
    let app = TestApp::sqlite().await;
    let server = RealServer::start(&app).await;
    let raw = server
        .exchange(b"GET /api/v1/branches?limit=2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".to_vec())
        .await;
    let all = responses(&raw);
    assert_eq!(all.len(), 1, "{raw}");
    assert_eq!(all[0].0, 200);
    let page: Value = serde_json::from_str(&all[0].2).unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
}
