//! The execution log of a request, in the shape of AWS's (`TestInvokeMethod` returns it, and the
//! console shows it): a header line, then one line per step, each prefixed with a Java-style
//! date: `Tue Sep 05 07:46:16 UTC 2023 : Method request path: {}`.

use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct ExecutionLog {
    request_id: String,
    lines: Vec<String>,
}

impl ExecutionLog {
    pub fn new(request_id: &str) -> Self {
        Self { request_id: request_id.to_string(), lines: Vec::new() }
    }

    /// Adds a step, stamped `at`.
    pub fn line(&mut self, at: OffsetDateTime, text: impl AsRef<str>) {
        self.lines.push(format!("{} : {}", java_date(at), text.as_ref()));
    }

    /// The steps so far (without the header).
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The whole log as `TestInvokeMethod` returns it: header, steps, a final newline.
    pub fn text(&self) -> String {
        let mut text = format!("Execution log for request {}\n", self.request_id);
        for line in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

/// `Tue Sep 05 07:46:16 UTC 2023`, as Java's `Date.toString()` writes a UTC time.
pub fn java_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let weekday = &at.weekday().to_string()[..3];
    let month = &at.month().to_string()[..3];
    format!(
        "{weekday} {month} {:02} {:02}:{:02}:{:02} UTC {}",
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.year()
    )
}

/// `{a=b, c=d}`, as Java prints a map (AWS's log shows request parameters and headers so).
pub fn java_map<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let parts: Vec<String> =
        entries.into_iter().map(|(key, value)| format!("{key}={value}")).collect();
    format!("{{{}}}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_maps_look_like_java_prints_them() {
        let at = time::macros::datetime!(2023-09-05 07:46:16 UTC);
        assert_eq!(java_date(at), "Tue Sep 05 07:46:16 UTC 2023");
        assert_eq!(java_map([("petId", "123"), ("x", "y")]), "{petId=123, x=y}");
        assert_eq!(java_map([]), "{}");
    }

    #[test]
    fn the_log_has_a_header_and_one_stamped_line_per_step() {
        let at = time::macros::datetime!(2023-09-05 07:46:16 UTC);
        let mut log = ExecutionLog::new("9698c5ba");
        log.line(at, "HTTP Method: POST, Resource Path: /customer");
        assert_eq!(
            log.text(),
            "Execution log for request 9698c5ba\n\
             Tue Sep 05 07:46:16 UTC 2023 : HTTP Method: POST, Resource Path: /customer\n"
        );
    }
}
