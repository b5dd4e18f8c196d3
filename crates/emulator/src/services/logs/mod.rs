//! CloudWatch Logs: a placeholder for what Lambda writes, until the service lands.

use crate::error::AwsError;

pub struct LogEvent {
    pub timestamp: i64,
    pub message: String,
}

type Stored = (String, String, String, i64, String);

#[derive(Default)]
pub struct LogStore {
    events: std::sync::Mutex<Vec<Stored>>,
}

impl LogStore {
    pub fn in_memory() -> Self {
        Self::default()
    }

    pub fn append(
        &self,
        region: &str,
        group: &str,
        stream: &str,
        events: &[LogEvent],
        _now_ms: i64,
    ) -> Result<(), AwsError> {
        let mut all = crate::state::lock(&self.events);
        for event in events {
            all.push((
                region.into(),
                group.into(),
                stream.into(),
                event.timestamp,
                event.message.clone(),
            ));
        }
        Ok(())
    }
}
