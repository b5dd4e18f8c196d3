//! Word of long work while it runs: a wait for something AWS is still making ("waiting for
//! addCustomer to become Active… 3 s"), a call tried again, a check looking again, the calls of a
//! traffic split counted. The engine says it here; whoever shows it (the CLI's terminal, the app's
//! window) gives a [`Progress`] to the clients. Notes come often (every look of a poll); the shell
//! decides how many to show.

use awslab_lab::Localized;
use std::sync::Arc;
use std::time::Instant;

type Sink = Arc<dyn Fn(Localized) + Send + Sync>;

/// Where progress notes go; nowhere by default.
#[derive(Clone, Default)]
pub struct Progress(Option<Sink>);

impl Progress {
    /// Notes go to `sink`.
    pub fn to(sink: impl Fn(Localized) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(sink)))
    }

    /// Says `note`.
    pub fn say(&self, note: Localized) {
        if let Some(sink) = &self.0 {
            sink(note);
        }
    }

    /// Says that the engine is waiting for `what` (in both languages), and for how long so far.
    pub fn waiting(&self, what: &Localized, since: Instant) {
        if self.0.is_none() {
            return;
        }
        let seconds = since.elapsed().as_secs();
        self.say(Localized::new(
            format!("{} 기다리는 중… {seconds}초", what.ko),
            format!("waiting for {}… {seconds} s", what.en),
        ));
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Progress(shown)" } else { "Progress(none)" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn notes_reach_the_sink_in_both_languages() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let progress = Progress::to(move |note| sink.lock().unwrap().push(note));
        let what = Localized::new("addCustomer가 Active가 되기를", "addCustomer to become Active");
        progress.waiting(&what, Instant::now());
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].en, "waiting for addCustomer to become Active… 0 s");
        assert_eq!(seen[0].ko, "addCustomer가 Active가 되기를 기다리는 중… 0초");
        Progress::default().waiting(&what, Instant::now()); // says nothing, and does not fail
    }
}
