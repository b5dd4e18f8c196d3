//! The server's connections, and the answers hyper gives on its own.
//!
//! A request whose head hyper cannot parse never reaches the emulator's code: hyper answers it
//! itself (400 for a malformed request line or header, 414 for a URI over the 65,534 bytes the
//! `http` crate takes, 431 for a head over its buffer, 505 for an HTTP version it does not
//! speak) with an empty body and `connection: close`, and has no hook to change that. Every
//! other answer of the emulator says what went wrong, so these are rewritten here, on their way
//! out: the same status and `connection: close`, with the JSON body the emulator gives requests
//! of no known protocol (`{"__type": …, "message": …}`).
//!
//! hyper's own answer is recognised exactly: a status line of one of those statuses followed by
//! nothing but `connection: close`, `content-length: 0` and `date`. The emulator's answers
//! always carry a `content-type` or a request id, so none of them looks like that.

use axum::serve::Listener;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// The loopback listener, handing out [`Connection`]s.
pub struct Connections(pub TcpListener);

impl Listener for Connections {
    type Io = Connection;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, address) = Listener::accept(&mut self.0).await;
        (Connection { stream, replacement: None }, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A TCP connection whose writes pass through unchanged, but for hyper's own empty answers.
pub struct Connection {
    stream: TcpStream,
    /// A rewritten answer being written: its bytes, how many are written, and how long the
    /// original was (what the write reports once all of it is out).
    replacement: Option<(Vec<u8>, usize, usize)>,
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.replacement.is_none()
            && let Some(rewritten) = rewrite(buf)
        {
            self.replacement = Some((rewritten, 0, buf.len()));
        }
        let this = &mut *self;
        let Some((bytes, written, original)) = &mut this.replacement else {
            return Pin::new(&mut this.stream).poll_write(cx, buf);
        };
        while *written < bytes.len() {
            let n = ready!(Pin::new(&mut this.stream).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        let original = *original;
        this.replacement = None;
        Poll::Ready(Ok(original))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper writes its own answer as one buffer; anything else goes through unchanged.
        let mut filled = bufs.iter().filter(|buf| !buf.is_empty());
        match (filled.next(), filled.next()) {
            (Some(only), None) => self.poll_write(cx, only),
            _ => {
                let this = self.get_mut();
                if this.replacement.is_some() {
                    // Not reached: a rewritten answer is the last thing hyper writes.
                    return Poll::Ready(Err(io::ErrorKind::InvalidInput.into()));
                }
                Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// hyper's own empty answer to a request it could not parse, with a body that says why; `None`
/// for anything else.
fn rewrite(answer: &[u8]) -> Option<Vec<u8>> {
    // Most writes are answers of the emulator's, or their bodies: skip them at a glance.
    let short_error = answer.len() < 256
        && (answer.starts_with(b"HTTP/1.1 4") || answer.starts_with(b"HTTP/1.1 5"));
    if !short_error {
        return None;
    }
    let text = std::str::from_utf8(answer).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let status: u16 = status_line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    let (code, message) = match status {
        400 => (
            "MalformedHttpRequest",
            "The offline emulator cannot read this HTTP request: its request line or a header \
             is malformed.",
        ),
        414 => (
            "RequestURITooLong",
            "The request's URI is longer than the 65,534 bytes the offline emulator reads.",
        ),
        431 => (
            "RequestHeaderFieldsTooLarge",
            "The request's headers are larger than the offline emulator reads.",
        ),
        505 => ("HttpVersionNotSupported", "The offline emulator speaks HTTP/1.1 and HTTP/1.0."),
        _ => return None,
    };
    let mut date = None;
    for line in lines {
        let (name, value) = line.split_once(": ")?;
        match (name.to_ascii_lowercase().as_str(), value) {
            ("connection", "close") | ("content-length", "0") => {}
            ("date", value) => date = Some(value),
            _ => return None,
        }
    }
    let body = serde_json::json!({ "__type": code, "message": message }).to_string();
    let mut rewritten = format!(
        "{status_line}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    if let Some(date) = date {
        rewritten.push_str(&format!("date: {date}\r\n"));
    }
    rewritten.push_str("\r\n");
    rewritten.push_str(&body);
    Some(rewritten.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_empty_answers_say_what_was_wrong() {
        let own = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Sun, 06 Dec 2026 09:29:49 GMT\r\n\r\n";
        let rewritten = String::from_utf8(rewrite(own).unwrap()).unwrap();
        let (head, body) = rewritten.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{head}");
        assert!(head.contains("connection: close"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["__type"], "RequestURITooLong");
    }

    #[test]
    fn the_emulators_own_answers_pass_unchanged() {
        for answer in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\nx-amzn-requestid: 1\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\n\r\n{}",
            b"{\"partial\": \"body\"}",
        ] {
            assert_eq!(rewrite(answer), None, "{}", String::from_utf8_lossy(answer));
        }
    }
}
