//! The connection layer in front of actix-http's HTTP/1 parser, so that a
//! request refused before routing still gets a problem document.
//!
//! actix-http answers a request head it will not parse (over 128 KiB, more than
//! 96 header fields, malformed) itself, with a bare `431` or `400`, an empty body
//! and no content type: there is no hook for it (its dispatcher builds those
//! responses inline). So every connection is wrapped in [`Edge`], which reads the
//! request heads before actix does, with limits below actix's own:
//!
//! - a request line over [`MAX_REQUEST_LINE`] is refused with 414,
//! - a head over [`MAX_REQUEST_HEAD`] or with more than 96 fields with 431,
//! - a head that cannot be parsed (or framed: a bad `Content-Length`, a
//!   `Transfer-Encoding` that is not chunked, a missing or repeated `Host`) with 400.
//!
//! A refused request is replaced by a small synthetic one carrying
//! [`REFUSED_HEADER`] and `Connection: close`; the application answers it with a
//! complete problem document (request id, log line, metrics) without routing it
//! (see `request_context`). The rest of what the client sends is read and
//! discarded, up to [`DRAIN_LIMIT`], so a client still writing its oversized
//! request can read the answer instead of meeting a reset connection.
//!
//! Bodies pass through untouched: `Content-Length` bodies are counted, chunked
//! bodies are followed chunk by chunk, only to know where the next head starts
//! on a kept-alive connection. Whatever this layer cannot follow (an upgrade,
//! `CONNECT`, a chunked body it finds malformed) it passes through as it is, and
//! actix decides as before.
//!
//! A client sending [`REFUSED_HEADER`] itself gets the same problem document; it
//! can only refuse its own request.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::rt::net::TcpStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Longest request line (method, target, version) accepted; longer is 414.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Largest request head (request line and header fields) accepted; larger is 431.
/// Below actix-http's own 128 KiB, so this layer always sees the refusal first.
pub const MAX_REQUEST_HEAD: usize = 32 * 1024;
/// actix-http's own limit on header fields; more is 431.
const MAX_HEADERS: usize = 96;
/// How much of a refused request is read and thrown away while the answer goes out.
pub const DRAIN_LIMIT: usize = 8 * 1024 * 1024;
/// The header of the synthetic request standing for a refused one; its value is
/// the status to answer (400, 414 or 431).
pub const REFUSED_HEADER: &str = "x-outreach-refused";
/// The longest original target kept as the synthetic request's path (the
/// problem's `instance`); a longer one becomes `/`.
const MAX_KEPT_TARGET: usize = 2048;

/// Where the connection is in its stream of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for (or reading) a request head.
    Head,
    /// Inside a body of this many more bytes.
    Body(u64),
    /// Inside a chunked body.
    Chunked(Chunk),
    /// Everything passes untouched from here on.
    Passthrough,
    /// A request was refused: the rest is drained (this many bytes so far).
    Refused(usize),
}

/// Position inside a chunked body (RFC 9112, section 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Reading a chunk-size line: the size so far, whether a digit was seen,
    /// whether we are past the size (in an extension).
    Size { size: u64, digits: bool, extension: bool },
    /// Inside chunk data, this many more bytes.
    Data(u64),
    /// After chunk data: its CRLF.
    DataEnd,
    /// In the trailer section after the last chunk; whether the current line is empty.
    Trailer { empty_line: bool },
}

/// What a chunked-body scan found.
enum ChunkScan {
    /// The body goes on past the bytes scanned.
    More,
    /// The body ends after this many bytes.
    Done(usize),
    /// Not chunked encoding as this layer knows it.
    Invalid,
}

/// A TCP connection whose request heads are checked before actix-http reads them.
pub struct Edge<T = TcpStream> {
    io: T,
    state: State,
    /// Bytes read from the connection and not yet given to actix.
    input: Vec<u8>,
    /// How far `input` was searched for the end of the head.
    scanned: usize,
    /// Bytes ready for actix, from `output_at` on.
    output: Vec<u8>,
    output_at: usize,
    /// The connection's read side ended.
    eof: bool,
}

impl<T> Edge<T> {
    pub fn new(io: T) -> Self {
        Self { io, state: State::Head, input: Vec::new(), scanned: 0, output: Vec::new(), output_at: 0, eof: false }
    }

    /// Moves the first `len` bytes of the input to the output.
    fn forward(&mut self, len: usize) {
        if self.output_at == self.output.len() {
            self.output.clear();
            self.output_at = 0;
        }
        self.output.extend_from_slice(&self.input[..len]);
        self.input.drain(..len);
        self.scanned = 0;
    }

    /// Replaces the request being read by a synthetic one answered with `status`.
    fn refuse(&mut self, status: u16) {
        let target = self.original_target().unwrap_or("/").to_owned();
        // Requests before it (pipelined) may still be in the output: they stay.
        if self.output_at == self.output.len() {
            self.output.clear();
            self.output_at = 0;
        }
        self.output.extend_from_slice(
            format!(
                "GET {target} HTTP/1.1\r\nhost: refused.invalid\r\nconnection: close\r\n{REFUSED_HEADER}: {status}\r\n\r\n"
            )
            .as_bytes(),
        );
        let drained = self.input.len();
        self.input = Vec::new();
        self.scanned = 0;
        self.state = State::Refused(drained);
    }

    /// The request target of the head being read, when it is short and a valid URI.
    fn original_target(&self) -> Option<&str> {
        let line_end = self.input.iter().take(MAX_KEPT_TARGET + 64).position(|&byte| byte == b'\n')?;
        let line = std::str::from_utf8(&self.input[..line_end]).ok()?;
        let target = line.split(' ').nth(1)?;
        let plain =
            target.len() <= MAX_KEPT_TARGET && target.starts_with('/') && target.bytes().all(|b| b.is_ascii_graphic());
        (plain && actix_web::http::Uri::try_from(target).is_ok()).then_some(target)
    }

    /// Moves what can be moved from the input to the output. Returns whether
    /// anything changed (else more input is needed).
    fn advance(&mut self) -> bool {
        match self.state {
            State::Head => self.advance_head(),
            State::Body(remaining) => {
                let len = usize::try_from(remaining).unwrap_or(usize::MAX).min(self.input.len());
                if len == 0 && remaining > 0 {
                    return false;
                }
                let left = remaining - len as u64;
                self.state = if left == 0 { State::Head } else { State::Body(left) };
                self.forward(len);
                true
            }
            State::Chunked(chunk) => {
                if self.input.is_empty() {
                    return false;
                }
                let mut chunk = chunk;
                match scan_chunked(&mut chunk, &self.input) {
                    ChunkScan::More => {
                        self.state = State::Chunked(chunk);
                        let len = self.input.len();
                        self.forward(len);
                    }
                    ChunkScan::Done(len) => {
                        self.state = State::Head;
                        self.forward(len);
                    }
                    ChunkScan::Invalid => self.state = State::Passthrough,
                }
                true
            }
            State::Passthrough => {
                if self.input.is_empty() {
                    return false;
                }
                let len = self.input.len();
                self.forward(len);
                true
            }
            State::Refused(_) => false,
        }
    }

    fn advance_head(&mut self) -> bool {
        // Empty lines before a request line are ignored (RFC 9112, section 2.2).
        let blank = self.input.iter().take_while(|&&byte| byte == b'\r' || byte == b'\n').count();
        if blank > 0 {
            self.input.drain(..blank);
            self.scanned = 0;
        }
        if self.input.is_empty() {
            return false;
        }
        let line_end = self.input.iter().position(|&byte| byte == b'\n');
        if line_end.map_or(self.input.len(), |end| end) > MAX_REQUEST_LINE {
            self.refuse(414);
            return true;
        }
        let from = self.scanned.saturating_sub(3);
        let head_end = find_head_end(&self.input[from..]).map(|end| from + end);
        let Some(head_end) = head_end else {
            if self.input.len() > MAX_REQUEST_HEAD {
                self.refuse(431);
                return true;
            }
            self.scanned = self.input.len();
            return false;
        };
        if head_end > MAX_REQUEST_HEAD {
            self.refuse(431);
            return true;
        }
        match frame(&self.input[..head_end]) {
            Ok(next) => {
                self.state = next;
                self.forward(head_end);
            }
            Err(status) => self.refuse(status),
        }
        true
    }
}

/// The end of a request head (just past its empty line), if `bytes` holds one.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).enumerate().find_map(|(at, pair)| match pair {
        [b'\n', b'\n'] => Some(at + 2),
        [b'\n', b'\r'] if bytes.get(at + 2) == Some(&b'\n') => Some(at + 3),
        _ => None,
    })
}

/// Parses a complete request head and decides what follows it, or the status
/// refusing it.
fn frame(head: &[u8]) -> Result<State, u16> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(400),
        Err(httparse::Error::TooManyHeaders) => return Err(431),
        Err(_) => return Err(400),
    }
    let target = request.path.unwrap_or_default();
    if actix_web::http::Uri::try_from(target).is_err() {
        return Err(400);
    }
    let headers: &[httparse::Header<'_>] = request.headers;
    let named = |name: &'static str| headers.iter().filter(move |header| header.name.eq_ignore_ascii_case(name));
    // HTTP/1.1 requires exactly one Host (actix-http refuses others with a bare 400).
    if request.version == Some(1) && named("host").count() != 1 {
        return Err(400);
    }
    if request.method == Some("CONNECT") || named("upgrade").next().is_some() {
        return Ok(State::Passthrough);
    }
    let mut encodings = named("transfer-encoding").peekable();
    if encodings.peek().is_some() {
        if named("content-length").next().is_some() || request.version != Some(1) {
            return Err(400);
        }
        let last = encodings.last().and_then(|header| std::str::from_utf8(header.value).ok()).unwrap_or_default();
        let last = last.rsplit(',').next().unwrap_or_default().trim();
        return if last.eq_ignore_ascii_case("chunked") {
            Ok(State::Chunked(Chunk::Size { size: 0, digits: false, extension: false }))
        } else {
            Err(400)
        };
    }
    let mut length = None;
    for header in named("content-length") {
        let value = std::str::from_utf8(header.value).map_err(|_| 400u16)?.trim();
        if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(400);
        }
        let value: u64 = value.parse().map_err(|_| 400u16)?;
        if length.is_some_and(|seen| seen != value) {
            return Err(400);
        }
        length = Some(value);
    }
    Ok(match length {
        Some(length) if length > 0 => State::Body(length),
        _ => State::Head,
    })
}

/// Follows a chunked body through `bytes`.
fn scan_chunked(chunk: &mut Chunk, bytes: &[u8]) -> ChunkScan {
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        match chunk {
            Chunk::Size { size, digits, extension } => match byte {
                b'\n' if *digits => {
                    *chunk = if *size == 0 { Chunk::Trailer { empty_line: true } } else { Chunk::Data(*size) };
                }
                b'\r' => {}
                _ if *extension => {}
                b';' | b' ' | b'\t' if *digits => *extension = true,
                _ => {
                    let Some(digit) = (byte as char).to_digit(16) else { return ChunkScan::Invalid };
                    let Some(grown) = size.checked_mul(16).and_then(|size| size.checked_add(u64::from(digit))) else {
                        return ChunkScan::Invalid;
                    };
                    *size = grown;
                    *digits = true;
                }
            },
            Chunk::Data(remaining) => {
                let len = usize::try_from(*remaining).unwrap_or(usize::MAX).min(bytes.len() - at);
                *remaining -= len as u64;
                at += len;
                if *remaining == 0 {
                    *chunk = Chunk::DataEnd;
                }
                continue;
            }
            Chunk::DataEnd => match byte {
                b'\r' => {}
                b'\n' => *chunk = Chunk::Size { size: 0, digits: false, extension: false },
                _ => return ChunkScan::Invalid,
            },
            Chunk::Trailer { empty_line } => match byte {
                b'\n' if *empty_line => return ChunkScan::Done(at + 1),
                b'\n' => *empty_line = true,
                b'\r' => {}
                _ => *empty_line = false,
            },
        }
        at += 1;
    }
    ChunkScan::More
}

impl<T: AsyncRead + Unpin> Edge<T> {
    /// Reads what the connection has into `input`; `Ready(Ok(false))` at its end.
    fn fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        let mut chunk = [0u8; 8192];
        let mut buf = ReadBuf::new(&mut chunk);
        match Pin::new(&mut self.io).poll_read(cx, &mut buf) {
            Poll::Ready(Ok(())) if buf.filled().is_empty() => Poll::Ready(Ok(false)),
            Poll::Ready(Ok(())) => {
                self.input.extend_from_slice(buf.filled());
                Poll::Ready(Ok(true))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// After a refusal: reads and discards what the client still sends, so it
    /// can read the answer. Never reports the end of input to actix (that would
    /// drop the answer); it closes the connection after answering anyway.
    fn drain(&mut self, cx: &mut Context<'_>, mut drained: usize) -> Poll<io::Result<()>> {
        let mut chunk = [0u8; 8192];
        while drained < DRAIN_LIMIT && !self.eof {
            let mut buf = ReadBuf::new(&mut chunk);
            match Pin::new(&mut self.io).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if buf.filled().is_empty() => self.eof = true,
                Poll::Ready(Ok(())) => drained += buf.filled().len(),
                Poll::Ready(Err(_)) => self.eof = true,
                Poll::Pending => break,
            }
        }
        self.state = State::Refused(drained);
        Poll::Pending
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Edge<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.output_at < this.output.len() {
                let len = buf.remaining().min(this.output.len() - this.output_at);
                buf.put_slice(&this.output[this.output_at..this.output_at + len]);
                this.output_at += len;
                return Poll::Ready(Ok(()));
            }
            if let State::Refused(drained) = this.state {
                return this.drain(cx, drained);
            }
            if this.input.is_empty() && !this.eof {
                // Bodies and passthrough need no copy: read straight into actix's buffer.
                match this.state {
                    State::Passthrough => return Pin::new(&mut this.io).poll_read(cx, buf),
                    State::Body(remaining) => {
                        let limit = usize::try_from(remaining).unwrap_or(usize::MAX).min(buf.remaining());
                        let mut limited = ReadBuf::new(buf.initialize_unfilled_to(limit));
                        let poll = Pin::new(&mut this.io).poll_read(cx, &mut limited);
                        let read = limited.filled().len();
                        if let Poll::Ready(Ok(())) = poll {
                            buf.advance(read);
                            let left = remaining - read as u64;
                            if read > 0 {
                                this.state = if left == 0 { State::Head } else { State::Body(left) };
                            }
                        }
                        return poll;
                    }
                    _ => {}
                }
            }
            if this.advance() {
                continue;
            }
            if this.eof {
                // Whatever is left (a head cut short) goes to actix, then the end.
                if !this.input.is_empty() {
                    let len = this.input.len();
                    this.forward(len);
                    continue;
                }
                return Poll::Ready(Ok(()));
            }
            match this.fill(cx) {
                Poll::Ready(Ok(true)) => {}
                Poll::Ready(Ok(false)) => this.eof = true,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Edge<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_after(head: &str) -> Result<State, u16> {
        frame(head.as_bytes())
    }

    #[test]
    fn heads_are_framed_like_actix_frames_them() {
        assert_eq!(state_after("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), Ok(State::Head));
        assert_eq!(state_after("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n"), Ok(State::Body(12)));
        assert!(matches!(
            state_after("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            Ok(State::Chunked(_))
        ));
        assert_eq!(state_after("GET / HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(state_after("GET / HTTP/1.0\r\n\r\n"), Ok(State::Head));
        assert_eq!(state_after("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n"), Err(400));
        assert_eq!(
            state_after("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            state_after("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n"),
            Err(400)
        );
        assert_eq!(state_after("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"), Ok(State::Passthrough));
        assert_eq!(state_after("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), Err(400));
        let many: String = (0..100).map(|n| format!("x-{n}: 1\r\n")).collect();
        assert_eq!(state_after(&format!("GET / HTTP/1.1\r\nHost: a\r\n{many}\r\n")), Err(431));
    }

    #[test]
    fn chunked_bodies_end_after_their_trailer() {
        let body = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nx-t: 1\r\n\r\nGET";
        let mut chunk = Chunk::Size { size: 0, digits: false, extension: false };
        assert!(matches!(scan_chunked(&mut chunk, body), ChunkScan::Done(len) if len == body.len() - 3));
        // The same body in one-byte pieces.
        let mut chunk = Chunk::Size { size: 0, digits: false, extension: false };
        let mut done = None;
        for (at, byte) in body.iter().enumerate() {
            if let ChunkScan::Done(_) = scan_chunked(&mut chunk, std::slice::from_ref(byte)) {
                done = Some(at + 1);
                break;
            }
        }
        assert_eq!(done, Some(body.len() - 3));
        let mut chunk = Chunk::Size { size: 0, digits: false, extension: false };
        assert!(matches!(scan_chunked(&mut chunk, b"zz\r\n"), ChunkScan::Invalid));
    }
}
