//! The id source: every request id, resource id, revision id and log-stream suffix a service
//! makes, and the draws that pick a canary or an alias's weighted version, come from the one
//! [`Ids`] in the shared state. A test fixes them with `EmulatorConfig::id_seed`, as it fixes
//! AWS's delays with the clockwork's seed; by default each launch draws its own.
//!
//! Not from here: secrets, whose value grants something. The control token (`gate`), SNS's
//! confirmation tokens and a role session's secret key and token (`services::iam::ids`) come
//! from the operating system's secure generator. Nor the names of the emulator's own temporary
//! files (`services::lambda::code`), which only need to differ from each other's.

use std::sync::Mutex;

/// A lowercase hexadecimal digit string, as AWS writes trace and stream suffixes.
const HEX: &[u8] = b"0123456789abcdef";

/// Where ids come from: a pseudo-random generator, seeded by the test or by the launch.
#[derive(Debug)]
pub struct Ids(Mutex<fastrand::Rng>);

impl Ids {
    /// Ids drawn under `seed`, or under a seed of this launch's own when there is none.
    pub fn new(seed: Option<u64>) -> Self {
        Self(Mutex::new(seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed)))
    }

    fn draw<T>(&self, take: impl FnOnce(&mut fastrand::Rng) -> T) -> T {
        take(&mut self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// A version-4 UUID, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` (request and revision ids).
    pub fn uuid(&self) -> String {
        let bytes: [u8; 16] = self.draw(|rng| rng.u128(..).to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
    }

    /// `length` characters drawn from `alphabet`.
    pub fn text(&self, alphabet: &[u8], length: usize) -> String {
        self.draw(|rng| {
            (0..length).map(|_| char::from(alphabet[rng.usize(..alphabet.len())])).collect()
        })
    }

    /// `length` lowercase hexadecimal digits.
    pub fn hex(&self, length: usize) -> String {
        self.text(HEX, length)
    }

    /// A number in `[0, 1)`: the draw that picks where a weighted request goes.
    pub fn fraction(&self) -> f64 {
        self.draw(fastrand::Rng::f64)
    }
}

/// A new X-Ray trace id, `Root=1-<epoch seconds in hex>-<24 hex digits>`, dated by the
/// emulator's clock and drawn from its ids (API Gateway's executions and Lambda's invocations).
pub fn trace_id(shared: &crate::state::Shared) -> String {
    let seconds = shared.clock.now().unix_timestamp();
    format!("Root=1-{seconds:08x}-{}", shared.ids.hex(24))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_seed_draws_the_same_ids_and_another_seed_others() {
        let draws = |ids: Ids| (ids.uuid(), ids.text(b"ab", 12), ids.hex(24), ids.fraction());
        assert_eq!(draws(Ids::new(Some(7))), draws(Ids::new(Some(7))));
        assert_ne!(draws(Ids::new(Some(7))), draws(Ids::new(Some(8))));
        assert_ne!(Ids::new(None).uuid(), Ids::new(None).uuid());
    }

    #[test]
    fn ids_have_the_shapes_aws_gives_them() {
        let ids = Ids::new(Some(1));
        let uuid = uuid::Uuid::parse_str(&ids.uuid()).unwrap();
        assert_eq!(uuid.get_version_num(), 4);
        let text = ids.text(b"XYZ", 40);
        assert!(text.len() == 40 && text.chars().all(|c| "XYZ".contains(c)));
        assert!(ids.hex(24).chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!((0.0..1.0).contains(&ids.fraction()));
    }
}
