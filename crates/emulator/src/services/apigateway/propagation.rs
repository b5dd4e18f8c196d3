//! What a stage's invoke URL serves while a change to the stage propagates.
//!
//! On AWS a new deployment on a stage, a change of its variables or canary, a promotion, or a
//! new stage takes some seconds to reach the stage's invoke URL; meanwhile the URL answers as
//! before (a stage that did not exist yet answers as a missing stage), while `GetStage` shows
//! the new values at once. The stage therefore keeps, beside its own settings, a
//! [`Propagation`]: what the URL served before the last change and when that change settles
//! (drawn as [`Delay::StagePropagation`]). The invoke URL compares that moment with the
//! emulator's clock ([`served_at`]), so nothing ticks, and `--clock-speed` and
//! `POST /_awslab/clock/advance` shorten or skip the wait. Under `Timing::Instant` the delay is
//! zero and no propagation is recorded.
//!
//! Not here: deleting a stage, which its URL forgets at once.

use super::model::{Canary, Stage};
use crate::clock::Millis;
use crate::timing::{Clockwork, Delay};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a stage's invoke URL runs: its deployment, its variables and its canary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Served {
    pub deployment_id: String,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    pub canary: Option<Canary>,
}

/// The last change to a stage on its way to the invoke URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Propagation {
    /// What the URL served when the change was made; `None` when the stage did not exist.
    pub before: Option<Served>,
    /// When the change reaches the URL, on the emulator's clock.
    pub settles_at: Millis,
    /// How many changes the stage's URL has been through, so that each draws its own delay.
    pub changes: u64,
}

/// What `stage` has its URL serve once every change has settled.
pub fn served(stage: &Stage) -> Served {
    Served {
        deployment_id: stage.deployment_id.clone(),
        variables: stage.variables.clone(),
        canary: stage.canary.clone(),
    }
}

/// What `stage`'s URL serves at `now`: `None` while the stage is too new to be there.
pub fn served_at(stage: &Stage, now: Millis) -> Option<Served> {
    match &stage.propagation {
        Some(propagation) if now < propagation.settles_at => propagation.before.clone(),
        _ => Some(served(stage)),
    }
}

/// Records a change made at `now` to `stage` (already changed) of the API named `api_name`,
/// whose URL served `before` at that moment (`None` for a new stage). A change of nothing the
/// URL serves (a description, method settings) propagates nothing; a change during another's
/// propagation keeps what the URL still serves until the later one settles.
pub fn changed(
    stage: &mut Stage,
    before: Option<Served>,
    api_name: &str,
    clockwork: &Clockwork,
    now: Millis,
) {
    if before.as_ref() == Some(&served(stage)) {
        return;
    }
    let changes = stage.propagation.as_ref().map_or(0, |last| last.changes) + 1;
    // The API's name rather than its id: ids are random, and a seed should draw the same delays
    // from one run to the next.
    let subject = format!("{api_name}/{}#{changes}", stage.stage_name);
    let delay = clockwork.delay(Delay::StagePropagation, &subject);
    if delay == 0 {
        return;
    }
    stage.propagation = Some(Propagation { before, settles_at: now + delay, changes });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timing::Timing;
    use serde_json::Map;

    const AWS: Clockwork = Clockwork { timing: Timing::Aws, seed: 3 };

    fn stage(deployment: &str) -> Stage {
        Stage {
            stage_name: "dev".into(),
            deployment_id: deployment.into(),
            description: None,
            cache_cluster_enabled: false,
            cache_cluster_size: None,
            variables: BTreeMap::new(),
            canary: None,
            method_settings: BTreeMap::new(),
            tracing_enabled: false,
            access_log_settings: Map::new(),
            client_certificate_id: None,
            documentation_version: None,
            tags: BTreeMap::new(),
            created_date: 0,
            last_updated_date: 0,
            extra: Map::new(),
            propagation: None,
        }
    }

    #[test]
    fn a_new_stage_is_missing_until_it_settles() {
        let mut new = stage("d1");
        changed(&mut new, None, "api", &AWS, 1_000);
        let settles_at = new.propagation.as_ref().map(|p| p.settles_at).expect("propagating");
        let (shortest, longest) = Delay::StagePropagation.range();
        assert!((1_000 + shortest..=1_000 + longest).contains(&settles_at), "{settles_at}");
        assert_eq!(served_at(&new, settles_at - 1), None);
        assert_eq!(served_at(&new, settles_at), Some(served(&new)));
    }

    #[test]
    fn a_redeployed_stage_serves_the_old_deployment_until_it_settles() {
        let mut dev = stage("d1");
        let before = served_at(&dev, 0);
        dev.deployment_id = "d2".into();
        changed(&mut dev, before, "api", &AWS, 0);
        let settles_at = dev.propagation.as_ref().map(|p| p.settles_at).expect("propagating");
        assert_eq!(served_at(&dev, settles_at - 1).map(|s| s.deployment_id), Some("d1".into()));
        assert_eq!(served_at(&dev, settles_at).map(|s| s.deployment_id), Some("d2".into()));
    }

    #[test]
    fn a_change_during_a_propagation_keeps_the_old_answer_until_the_last_settles() {
        let mut dev = stage("d1");
        let before = served_at(&dev, 0);
        dev.deployment_id = "d2".into();
        changed(&mut dev, before, "api", &AWS, 0);
        let before = served_at(&dev, 1_000);
        dev.variables.insert("alias".into(), "prod".into());
        changed(&mut dev, before, "api", &AWS, 1_000);
        let last = dev.propagation.clone().expect("propagating");
        assert_eq!(last.changes, 2);
        assert_eq!(
            served_at(&dev, last.settles_at - 1).map(|s| s.deployment_id),
            Some("d1".into())
        );
        assert_eq!(served_at(&dev, last.settles_at), Some(served(&dev)));
    }

    #[test]
    fn a_propagation_is_saved_with_its_stage_and_older_state_files_still_load() {
        let mut dev = stage("d1");
        changed(&mut dev, None, "api", &AWS, 0);
        let saved = serde_json::to_value(&dev).expect("a document");
        let loaded: Stage = serde_json::from_value(saved.clone()).expect("loads back");
        assert_eq!(loaded.propagation, dev.propagation);
        let mut older = saved;
        older.as_object_mut().map(|stage| stage.remove("propagation"));
        let loaded: Stage = serde_json::from_value(older).expect("a stage saved before");
        assert_eq!(loaded.propagation, None);
        assert_eq!(served_at(&loaded, 0).map(|s| s.deployment_id), Some("d1".into()));
    }

    #[test]
    fn a_change_of_nothing_served_and_instant_timing_propagate_nothing() {
        let mut dev = stage("d1");
        let before = served_at(&dev, 0);
        dev.description = Some("described".into());
        changed(&mut dev, before, "api", &AWS, 0);
        assert_eq!(dev.propagation, None);
        let before = served_at(&dev, 0);
        dev.deployment_id = "d2".into();
        changed(&mut dev, before, "api", &Clockwork::INSTANT, 0);
        assert_eq!(dev.propagation, None);
        assert_eq!(served_at(&dev, 0).map(|s| s.deployment_id), Some("d2".into()));
    }
}
