//! A worker's output (stdout and stderr share one pipe, so lines keep their order) turned into
//! log events, within AWS's limits and a memory bound of ours.
//!
//! - A line becomes one event; a line longer than [`EVENT_LIMIT`] bytes becomes several, cut at
//!   UTF-8 character boundaries, as Lambda splits long lines (CloudWatch Logs caps an event at
//!   256 KB, 26 bytes of which are its overhead).
//! - The bootstrap writes a marker line (`\x1eawslab:done:<request id>`) after a handler's
//!   output and before it posts the result, so once the result arrives the emulator knows which
//!   lines belong to the invocation. Multi-line records (a traceback) arrive with `\r` for their
//!   inner line breaks, as AWS's runtimes write them, and become one event.
//! - At most [`KEPT_LIMIT`] bytes of events are kept per invocation; beyond that, what a handler
//!   prints is counted, not stored, and the drain adds one line saying how much was not kept.
//!   All invocations together never hold more than twice that (a handler that prints our marker
//!   itself cannot pile up segments). The reader reads in fixed chunks and never holds more than
//!   one event's worth of a line, so whatever a handler prints, a worker's output costs at most
//!   about 12.5 MB, and that memory is given back once drained.
//!
//! AWS keeps everything a function prints (CloudWatch Logs' quotas aside); the bound is ours, so
//! a runaway handler cannot fill the learner's disk or the emulator's memory.

use super::LogLine;
use crate::clock::Clock;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub const MARK: &str = "\u{1e}awslab:done:";

/// The largest log event Lambda writes, in bytes: 2^18 − 26.
pub const EVENT_LIMIT: usize = 262_118;

/// How many bytes of output are kept per invocation (between drains): as much as a response
/// payload may hold (6 MB), so a handler that prints what it returns, or a 5 MB line, keeps
/// all of it.
pub const KEPT_LIMIT: usize = 6 * 1024 * 1024;

/// How many bytes of output are held at most, all invocations together (output that was not
/// drained yet: the next invocation's first lines may arrive before the last one's are taken).
const HELD_LIMIT: usize = 2 * KEPT_LIMIT;

/// How much the reader takes from the pipe at a time.
const READ_CHUNK: usize = 64 * 1024;

/// Lines a worker wrote, in segments that each end at a marker.
pub struct Output {
    state: Mutex<OutputState>,
    changed: Condvar,
    /// The emulator's clock: lines are stamped when they are read, on its timeline.
    clock: Arc<dyn Clock>,
}

#[derive(Default)]
struct OutputState {
    /// Finished segments, oldest first, then the open one (the last, without a marker).
    segments: VecDeque<Segment>,
    /// Bytes of messages held in all segments.
    held: usize,
    closed: bool,
}

#[derive(Default)]
struct Segment {
    lines: Vec<LogLine>,
    /// Bytes of messages in `lines`.
    kept: usize,
    /// What was printed beyond [`KEPT_LIMIT`]: bytes, and lines they were in.
    dropped_bytes: u64,
    dropped_lines: u64,
    /// The marker's id that closed the segment.
    marker: Option<String>,
}

impl OutputState {
    fn open_segment(&mut self) -> &mut Segment {
        if self.segments.back().is_none_or(|segment| segment.marker.is_some()) {
            self.segments.push_back(Segment::default());
        }
        self.segments.back_mut().expect("a segment was just made")
    }
}

/// The line being read: bytes not yet made into an event.
#[derive(Default)]
struct PendingLine {
    bytes: Vec<u8>,
    /// Part of the line was already sent as events (so it cannot be a marker).
    split: bool,
    /// Part of the line was not kept.
    dropped: bool,
}

impl Output {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { state: Mutex::default(), changed: Condvar::new(), clock }
    }

    fn now_ms(&self) -> i64 {
        crate::clock::millis(self.clock.now())
    }

    /// Reads the worker's output until the pipe closes (every process holding it has ended).
    pub fn read_from(&self, mut reader: impl Read) {
        let mut chunk = vec![0_u8; READ_CHUNK];
        let mut line = PendingLine::default();
        loop {
            let read = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            let mut rest = &chunk[..read];
            while let Some(end) = rest.iter().position(|byte| *byte == b'\n') {
                line.bytes.extend_from_slice(&rest[..end]);
                self.end_line(&mut line);
                rest = &rest[end + 1..];
            }
            line.bytes.extend_from_slice(rest);
            while line.bytes.len() > EVENT_LIMIT {
                let cut = utf8_cut(&line.bytes, EVENT_LIMIT);
                let piece: Vec<u8> = line.bytes.drain(..cut).collect();
                line.split = true;
                self.push(&piece, &mut line.dropped);
            }
        }
        if !line.bytes.is_empty() {
            self.end_line(&mut line);
        }
        crate::state::lock(&self.state).closed = true;
        self.changed.notify_all();
    }

    /// The end of a line: a marker, or the line's last event.
    fn end_line(&self, line: &mut PendingLine) {
        let mut bytes = std::mem::take(&mut line.bytes);
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let marker = (!line.split)
            .then(|| bytes.strip_prefix(MARK.as_bytes()))
            .flatten()
            .map(|id| String::from_utf8_lossy(id).into_owned());
        match marker {
            Some(id) => {
                let mut state = crate::state::lock(&self.state);
                state.open_segment().marker = Some(id);
                drop(state);
                self.changed.notify_all();
            }
            None if line.split && bytes.is_empty() => {}
            None => self.push(&bytes, &mut line.dropped),
        }
        if std::mem::take(&mut line.dropped) {
            crate::state::lock(&self.state).open_segment().dropped_lines += 1;
        }
        line.split = false;
        // A long line grew the buffer; give the memory back rather than keep it per worker.
        bytes.clear();
        if bytes.capacity() > READ_CHUNK {
            bytes.shrink_to(0);
        }
        line.bytes = bytes;
    }

    /// Stores `bytes` as events (or counts them when the budget is spent).
    fn push(&self, bytes: &[u8], dropped: &mut bool) {
        let text = String::from_utf8_lossy(bytes).replace('\r', "\n");
        let timestamp = self.now_ms();
        let mut state = crate::state::lock(&self.state);
        // Invalid bytes became U+FFFD (three bytes each): the text may have outgrown one event.
        for piece in split_at_char_boundaries(&text, EVENT_LIMIT) {
            let room = HELD_LIMIT.saturating_sub(state.held);
            let segment = state.open_segment();
            // Once something was not kept, nothing after it is either: no holes in the log.
            let fits = segment.kept + piece.len() <= KEPT_LIMIT && piece.len() <= room;
            if segment.dropped_bytes == 0 && fits {
                segment.lines.push(LogLine { timestamp, message: piece.to_string() });
                segment.kept += piece.len();
                state.held += piece.len();
            } else {
                segment.dropped_bytes += piece.len() as u64;
                *dropped = true;
            }
        }
        drop(state);
        self.changed.notify_all();
    }

    /// Takes `request_id`'s lines: up to its marker when the reader has seen it (lines after it
    /// belong to what the worker did next), else all lines so far. With a grace period, first
    /// waits (at most that long) for the marker.
    pub fn drain(&self, grace: Option<Duration>, request_id: &str) -> Vec<LogLine> {
        let marked = |state: &OutputState| {
            (state.segments.iter()).any(|segment| segment.marker.as_deref() == Some(request_id))
        };
        let mut state = crate::state::lock(&self.state);
        if let Some(grace) = grace {
            let until = Instant::now() + grace;
            while !state.closed && !marked(&state) {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                state = match self.changed.wait_timeout(state, left) {
                    Ok((state, _)) => state,
                    Err(poisoned) => poisoned.into_inner().0,
                };
            }
        } else if !state.closed {
            // The process was just stopped: give the reader a moment to see the last lines.
            let (next, _) = self
                .changed
                .wait_timeout_while(state, Duration::from_millis(200), |state| !state.closed)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            state = next;
        }
        let count = match (state.segments.iter())
            .position(|segment| segment.marker.as_deref() == Some(request_id))
        {
            Some(index) => index + 1,
            None => state.segments.len(),
        };
        let taken: Vec<Segment> = state.segments.drain(..count).collect();
        // Keep no capacity a flood needed.
        state.segments.shrink_to_fit();
        let mut log = Vec::new();
        for segment in taken {
            state.held -= segment.kept;
            let last = segment.lines.last().map(|line| line.timestamp);
            log.extend(segment.lines);
            if segment.dropped_bytes > 0 {
                log.push(LogLine {
                    timestamp: last.unwrap_or_else(|| self.now_ms()),
                    message: not_kept(segment.dropped_bytes, segment.dropped_lines),
                });
            }
        }
        log
    }
}

/// The line that stands for output that was counted and not stored.
fn not_kept(bytes: u64, lines: u64) -> String {
    let lines = match lines {
        0 | 1 => "one line".to_string(),
        lines => format!("{lines} lines"),
    };
    format!(
        "[awslab] {bytes} more bytes of output ({lines}) were not kept: the offline emulator \
         keeps the first {KEPT_LIMIT} bytes of what an invocation prints."
    )
}

/// Where to cut `bytes` so the first part has at most `limit` bytes and does not end inside a
/// UTF-8 character (text that is not UTF-8 is cut at `limit`).
fn utf8_cut(bytes: &[u8], limit: usize) -> usize {
    if bytes.len() <= limit {
        return bytes.len();
    }
    let is_continuation = |byte: u8| byte & 0b1100_0000 == 0b1000_0000;
    // A character is at most 4 bytes: look back at most 3 for the start of the one cut.
    (limit.saturating_sub(3)..=limit)
        .rev()
        .find(|&cut| cut > 0 && !is_continuation(bytes[cut]))
        .unwrap_or(limit)
}

/// `text` in pieces of at most `limit` bytes, each ending on a character boundary.
fn split_at_char_boundaries(text: &str, limit: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    let mut first = true;
    std::iter::from_fn(move || {
        if rest.is_empty() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        let mut cut = rest.len().min(limit);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, after) = rest.split_at(cut);
        rest = after;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read(written: &[u8]) -> Output {
        let output = Output::new(Arc::new(crate::clock::ScaledClock::new(1.0)));
        let (reader, mut writer) = std::io::pipe().unwrap();
        let written = written.to_vec();
        let writing = std::thread::spawn(move || writer.write_all(&written).unwrap());
        output.read_from(reader);
        writing.join().unwrap();
        output
    }

    fn messages(lines: Vec<LogLine>) -> Vec<String> {
        lines.into_iter().map(|line| line.message).collect()
    }

    #[test]
    fn each_output_ends_at_its_marker_even_when_more_was_read() {
        let output = read(format!("loaded\n{MARK}init\nevent\n{MARK}req-1\nnext\n").as_bytes());
        assert_eq!(messages(output.drain(Some(Duration::ZERO), "init")), ["loaded"]);
        assert_eq!(messages(output.drain(Some(Duration::ZERO), "req-1")), ["event"]);
        assert_eq!(messages(output.drain(None, "req-2")), ["next"]);
    }

    #[test]
    fn records_keep_their_inner_line_breaks_and_empty_lines_stay() {
        let output = read(b"Traceback\r  File x\r\n\nlast without a newline");
        assert_eq!(
            messages(output.drain(None, "any")),
            ["Traceback\n  File x", "", "last without a newline"]
        );
    }

    #[test]
    fn a_long_line_becomes_events_of_at_most_the_limit_cut_between_characters() {
        // 3-byte characters, so the limit (not a multiple of 3) falls inside one.
        let line = "가".repeat(200_000) + "end";
        let output = read(format!("{line}\n{MARK}r\n").as_bytes());
        let events = messages(output.drain(Some(Duration::ZERO), "r"));
        assert!(events.len() >= 3, "{} events", events.len());
        assert!(events.iter().all(|event| event.len() <= EVENT_LIMIT));
        let (_, cut) = events.split_last().unwrap();
        assert!(cut.iter().all(|event| event.len() > EVENT_LIMIT - 3), "cut as late as possible");
        assert_eq!(events.concat(), line);
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_one_event() {
        let line = "x".repeat(EVENT_LIMIT);
        let output = read(format!("{line}\n").as_bytes());
        assert_eq!(messages(output.drain(None, "r")), [line]);
    }

    #[test]
    fn bytes_that_are_not_utf8_never_make_an_event_over_the_limit() {
        let mut written = vec![0xff_u8; EVENT_LIMIT + 10];
        written.push(b'\n');
        let output = read(&written);
        let events = messages(output.drain(None, "r"));
        assert!(events.iter().all(|event| event.len() <= EVENT_LIMIT));
        assert_eq!(events.concat().chars().count(), EVENT_LIMIT + 10);
    }

    #[test]
    fn beyond_the_kept_limit_output_is_counted_and_the_next_invocation_starts_afresh() {
        let flood = "y".repeat(1024 * 1024);
        let lines = KEPT_LIMIT / flood.len() + 2;
        let mut written = String::new();
        for _ in 0..lines {
            written.push_str(&flood);
            written.push('\n');
        }
        written.push_str(&format!("{MARK}flood\nafter\n{MARK}next\n"));
        let output = read(written.as_bytes());
        let events = messages(output.drain(Some(Duration::ZERO), "flood"));
        let (note, kept) = events.split_last().unwrap();
        assert_eq!(kept.iter().map(String::len).sum::<usize>(), KEPT_LIMIT);
        let not_kept = lines * flood.len() - KEPT_LIMIT;
        assert_eq!(
            note,
            &format!(
                "[awslab] {not_kept} more bytes of output (2 lines) were not kept: the offline \
                 emulator keeps the first {KEPT_LIMIT} bytes of what an invocation prints."
            )
        );
        assert_eq!(messages(output.drain(Some(Duration::ZERO), "next")), ["after"]);
        assert_eq!(crate::state::lock(&output.state).held, 0);
    }

    #[test]
    fn cuts_and_splits_respect_characters() {
        assert_eq!(utf8_cut("aé".as_bytes(), 2), 1);
        assert_eq!(utf8_cut(b"abc", 2), 2);
        assert_eq!(utf8_cut(b"ab", 5), 2);
        let pieces: Vec<&str> = split_at_char_boundaries("aéb", 2).collect();
        assert_eq!(pieces, ["a", "é", "b"]);
        assert_eq!(split_at_char_boundaries("", 2).collect::<Vec<_>>(), [""]);
    }
}
